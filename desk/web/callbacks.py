"""Marking a callback done (or not): from Aujourd'hui or the client's page."""

from __future__ import annotations

from flask import abort, redirect, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from desk.base.errors import NotFound
from desk.calls import callbacks
from desk.request_context import db_session, now
from desk.web import bp
from desk.web.auth import safe_next as safe_next
from desk.web.common import staff_required


@bp.post("/callbacks/<int:callback_id>")
@staff_required
def callback_done(callback_id: int) -> ResponseReturnValue:
    session = db_session()
    try:
        callbacks.mark(
            session, current_user, callback_id, request.form.get("action") == "done", now()
        )
    except NotFound:
        abort(404)
    session.commit()
    return redirect(safe_next(request.form.get("next")))

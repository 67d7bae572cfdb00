"""En direct: who is free, who is on a call, who waits (`desk.calls.live_board`)."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from desk.calls.live_board import live_board
from desk.request_context import db_session, now
from desk.web import bp
from desk.web.common import staff_required


@bp.get("/board")
@staff_required
def board() -> ResponseReturnValue:
    return render_template("desk/board.html", board=live_board(db_session(), current_user, now()))

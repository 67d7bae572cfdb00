"""The desk's pages. Each view reads its input, calls one domain function, renders."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from desk.clients.access import visible_clients
from desk.request_context import db_session
from desk.web import bp


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    if current_user.role == "client":
        return redirect(url_for("desk.portal_home"))  # the practice's own home
    clients = visible_clients(db_session(), current_user)
    return render_template("desk/index.html", clients=clients)

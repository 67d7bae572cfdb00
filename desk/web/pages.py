"""The desk's pages. Each view reads its input, calls one domain function, renders."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from desk.base.clock import now
from desk.clients.access import visible_clients
from desk.request_context import db_session
from desk.today.board import today
from desk.web import bp


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Aujourd'hui for the desk's staff; the list of clients for a client's login."""
    if current_user.role in ("admin", "secretary"):
        return render_template("desk/today.html", day=today(db_session(), current_user, now()))
    clients = visible_clients(db_session(), current_user)
    return render_template("desk/index.html", clients=clients)

"""Now: who is on duty for each client now and next.

The fiche of the call the logged-in secretary just accepted pops through the live
stream (`desk/web/live.py`), on this page and every other.
"""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from desk.clients.listing import client_page
from desk.request_context import db_session
from desk.request_context import now as clock_now
from desk.rota.boards import now_boards
from desk.web import bp
from desk.web.common import staff_required

NOW_PER_PAGE = 20  # each board computes a week of rota: a page of them stays quick


@bp.get("/now")
@staff_required
def now() -> ResponseReturnValue:
    at = clock_now()
    listing = client_page(
        db_session(),
        current_user,
        request.args.get("q", ""),
        request.args.get("page", 1, type=int) or 1,
        with_parts=False,
        per_page=NOW_PER_PAGE,
    )
    boards = now_boards(db_session(), listing.clients, at)
    return render_template("desk/now.html", boards=boards, at=at, listing=listing)

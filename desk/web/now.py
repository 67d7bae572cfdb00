"""Now: who is on duty for each client now and next, and the fiche of the call just accepted.

The page polls `now.json` every second; when the logged-in secretary accepts a call
(her leg's CallAttempt turns "accepted"), the fiche pops with "take a message" and "book".
"""

from __future__ import annotations

from flask import jsonify, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from desk.calls.live import accepted_call
from desk.clients.access import visible_clients
from desk.request_context import db_session
from desk.request_context import now as clock_now
from desk.rota.week import now_and_next
from desk.web import bp
from desk.web.common import staff_required


@bp.get("/now")
@staff_required
def now() -> ResponseReturnValue:
    at = clock_now()
    boards = [
        now_and_next(db_session(), c, at) for c in visible_clients(db_session(), current_user)
    ]
    return render_template("desk/now.html", boards=boards, at=at)


@bp.get("/now.json")
@staff_required
def now_json() -> ResponseReturnValue:
    live = (
        accepted_call(db_session(), current_user.secretary_id, clock_now())
        if current_user.secretary_id is not None
        else None
    )
    if live is None:
        return jsonify(call=None)
    return jsonify(
        call={
            "id": live.call_id,
            "client_id": live.client_id,
            "caller": live.caller,
            "accepted_at": live.accepted_at.isoformat(),
            "fiche_url": url_for("desk.client_fiche", client_id=live.client_id, call=live.call_id),
        }
    )

"""The call in front of her, pushed: a Server-Sent Events stream on every desk page.

`/desk/live` tells the logged-in secretary's browser "call N accepted" the moment her
press-1 is written, and "ended" when the call closes. The stream reads the database (a
short query every POLL seconds, each in its own short session), never a worker's memory,
so it works whichever gunicorn worker took the webhook. `desk serve` runs threaded
workers, so an open stream holds a thread, not a whole worker.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    render_template,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from desk.calls.live import LiveCall, accepted_call, call_for_secretary, caller_card
from desk.models import Client
from desk.request_context import clock_of, database_of, db_session
from desk.web import bp
from desk.web.calls import OUTCOME_LABELS
from desk.web.common import staff_required

POLL = 0.2  # seconds between two looks at the calls table
HEARTBEAT = 15.0  # a comment line, so proxies keep the connection open
LIFETIME = 300.0  # then the stream ends and EventSource reconnects (fresh login check)


def stop_streams(app: Flask) -> threading.Event:
    """Set it and every open stream of `app` ends within one POLL (a server stopping)."""
    stop: threading.Event = app.extensions.setdefault("desk.live.stop", threading.Event())
    return stop


def _event(name: str, data: dict[str, object]) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def _call_data(live: LiveCall) -> dict[str, object]:
    return {
        "id": live.call_id,
        "client_id": live.client_id,
        "accepted_at": live.accepted_at.isoformat(),
        "fiche_url": url_for("desk.live_fiche", call_id=live.call_id),
    }


@bp.get("/live")
@staff_required
def live() -> ResponseReturnValue:
    secretary_id = current_user.secretary_id
    db = database_of(current_app)
    clock = clock_of(current_app)
    stop = stop_streams(current_app)

    def current() -> LiveCall | None:
        if secretary_id is None:
            return None
        with db.Session() as session:
            return accepted_call(session, secretary_id, clock())

    def stream() -> Iterator[str]:
        yield "retry: 1000\n\n"
        shown: int | None = None
        started = last_beat = time.monotonic()
        while time.monotonic() - started < LIFETIME and not stop.is_set():
            found = current()
            if found is not None and found.call_id != shown:
                shown = found.call_id
                yield _event("call", _call_data(found))
            elif found is None and shown is not None:
                yield _event("ended", {"id": shown})
                shown = None
            if time.monotonic() - last_beat > HEARTBEAT:
                last_beat = time.monotonic()
                yield ": beat\n\n"
            stop.wait(POLL)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return Response(stream_with_context(stream()), mimetype="text/event-stream", headers=headers)


@bp.get("/live/<int:call_id>")
@staff_required
def live_fiche(call_id: int) -> ResponseReturnValue:
    """The fiche of a call she accepted: caller, history, timer, the client's script."""
    session = db_session()
    call = call_for_secretary(session, call_id, current_user.secretary_id)
    if call is None or call.client_id is None:
        abort(404)
    client = session.get(Client, call.client_id)
    if client is None:
        abort(404)
    card = caller_card(session, client.id, call.caller, call.id)
    accepted = call.answered_at or call.started_at
    return render_template(
        "desk/_live_call.html",
        call=call,
        client=client,
        card=card,
        accepted_at=accepted,
        outcomes=OUTCOME_LABELS,
    )

"""The call in front of her and her own state, pushed: a Server-Sent Events stream on
every desk page.

`/desk/live` tells the logged-in secretary's browser "call N accepted" the moment her
press-1 is committed, "ended" when the call closes, and her state (ringing, on a call,
wrapping up…) whenever it changes. It waits on this process's events
(`desk.base.events`: PostgreSQL LISTEN/NOTIFY, whichever worker took the webhook; in the
process on SQLite) and reads the database once when it opens and once per event about
her, never on a timer. `desk serve` runs gevent workers: an open stream is a greenlet
waiting on a queue, so no number of open pages delays a webhook.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

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

from desk.base import events
from desk.calls.live import LiveCall, accepted_call, call_for_secretary, caller_card
from desk.models import Client
from desk.models.states import PresenceState
from desk.request_context import clock_of, database_of, db_session
from desk.web import bp
from desk.web.calls import OUTCOME_LABELS
from desk.web.common import staff_required
from desk.web.presence import STATE_LABELS

HEARTBEAT = 15.0  # a comment line, so proxies keep the connection open
LIFETIME = 300.0  # then the stream ends and EventSource reconnects (fresh login check)
LISTEN_WAIT = 5.0  # seconds a new stream waits for its process's listener to be listening
# The events that concern the secretary's own stream.
HER_EVENTS = frozenset({"presence", "call-accepted", "call-ended"})

Item = dict[str, Any]


def stop_streams(app: Flask) -> threading.Event:
    """Set it, then `events.HUB.wake()`, and every open stream of `app` ends (a server
    stopping)."""
    stop: threading.Event = app.extensions.setdefault("desk.live.stop", threading.Event())
    return stop


def event_stream(
    wanted: events.Wanted,
    opening: Callable[[], Iterable[str]],
    on_event: Callable[[Item], Iterable[str]],
) -> Response:
    """A Server-Sent Events response fed by this process's events: `opening` first (read
    after subscribing, so nothing published meanwhile is missed), then `on_event` for
    each event `wanted`, a heartbeat comment when quiet. Holds no database connection
    while it waits, and is not woken by others' events; ends after LIFETIME or when the
    server stops (`stop_streams`, then `events.HUB.wake()`)."""
    listener = events.listen(database_of(current_app).url)  # this process's one (PostgreSQL)
    if listener is not None:
        # Its LISTEN in place before the page hears anything: an event committed after the
        # opening read is then never missed (the listener's first connection takes a moment).
        listener.ready.wait(LISTEN_WAIT)
    stop = stop_streams(current_app)
    db_session().close()

    def stream() -> Iterator[str]:
        started = time.monotonic()
        with events.HUB.subscribe(wanted) as inbox:
            yield "retry: 1000\n\n"
            yield from opening()
            while time.monotonic() - started < LIFETIME and not stop.is_set():
                try:
                    item = inbox.get(timeout=HEARTBEAT)
                except queue.Empty:
                    yield ": beat\n\n"
                    continue
                if item.get("kind") != "wake":
                    yield from on_event(item)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return Response(stream_with_context(stream()), mimetype="text/event-stream", headers=headers)


def sse(name: str, data: dict[str, object]) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def _call_data(live: LiveCall) -> dict[str, object]:
    return {
        "id": live.call_id,
        "client_id": live.client_id,
        "accepted_at": live.accepted_at.isoformat(),
        "fiche_url": url_for("desk.live_fiche", call_id=live.call_id),
    }


def _presence_data(item: Item, now: datetime) -> dict[str, object]:
    """Her state for the header: its words in her language, and for a wrap-up the
    seconds left (the page turns it to available then, without asking)."""
    state = PresenceState(item["state"])
    data: dict[str, object] = {"state": state.value, "label": str(STATE_LABELS[state])}
    if state == PresenceState.WRAPPING_UP and item.get("until"):
        left = datetime.fromisoformat(item["until"]) - now
        data["remaining"] = max(0.0, left.total_seconds())
    return data


@bp.get("/live")
@staff_required
def live() -> ResponseReturnValue:
    secretary_id = current_user.secretary_id
    db = database_of(current_app)
    clock = clock_of(current_app)
    shown: list[int] = []  # the call on her screen, if any

    def current() -> Iterator[str]:
        """Tell the page what changed since it last heard (a call shown, or ended)."""
        if secretary_id is None:
            return
        with db.Session() as session:
            found = accepted_call(session, secretary_id, clock())
        if found is not None and found.call_id not in shown:
            shown[:] = [found.call_id]
            yield sse("call", _call_data(found))
        elif found is None and shown:
            yield sse("ended", {"id": shown.pop()})

    def hers(item: Item) -> bool:
        return item.get("kind") in HER_EVENTS and item.get("secretary_id") == secretary_id

    def on_event(item: Item) -> Iterator[str]:
        if item.get("kind") == "presence":
            yield sse("presence", _presence_data(item, clock()))
        else:
            yield from current()

    return event_stream(hers, current, on_event)


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

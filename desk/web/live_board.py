"""En direct (the Now page): who is free, who is on a call, who waits
(`desk.calls.live_board`).

The page is rendered once; `/desk/board/stream` then tells it "changed" whenever an event
of the desk arrives (`desk.base.events`: LISTEN/NOTIFY on PostgreSQL, in the process on
SQLite), and the page reads its content again. No timer queries the database.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator

from flask import Response, current_app, render_template, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user

from desk.base import events
from desk.calls.live_board import live_board
from desk.request_context import database_of, db_session, now
from desk.web import bp
from desk.web.common import staff_required
from desk.web.live import HEARTBEAT, LIFETIME, stop_streams

# The events that move the board.
BOARD_EVENTS = frozenset({"presence", "queue", "call-accepted", "call-ended"})


@bp.get("/board")
@staff_required
def board() -> ResponseReturnValue:
    """The live part of the Now page, read again by the page on each event."""
    return render_template("desk/_board.html", board=live_board(db_session(), current_user, now()))


@bp.get("/board/stream")
@staff_required
def board_stream() -> ResponseReturnValue:
    events.listen(database_of(current_app).url)  # this process's one listener (PostgreSQL)
    stop = stop_streams(current_app)
    db_session().close()  # the stream holds no database connection while it waits

    def stream() -> Iterator[str]:
        started = last_beat = time.monotonic()
        with events.HUB.subscribe() as inbox:
            yield "retry: 1000\n\n"  # subscribed first: nothing published after is missed
            while time.monotonic() - started < LIFETIME and not stop.is_set():
                try:
                    item = inbox.get(timeout=1.0)  # then look at `stop` again
                except queue.Empty:
                    if time.monotonic() - last_beat > HEARTBEAT:
                        last_beat = time.monotonic()
                        yield ": beat\n\n"
                    continue
                if item.get("kind") in BOARD_EVENTS:
                    yield f"event: changed\ndata: {item.get('kind')}\n\n"

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return Response(stream_with_context(stream()), mimetype="text/event-stream", headers=headers)

"""En direct (the Now page): who is free, who is on a call, who waits
(`desk.calls.live_board`).

The page is rendered once; `/desk/board/stream` then tells it "changed" whenever an event
of the desk arrives (`desk.base.events`: LISTEN/NOTIFY on PostgreSQL, in the process on
SQLite), and the page reads its content again. No timer queries the database.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from desk.calls.live_board import live_board
from desk.request_context import db_session, now
from desk.web import bp
from desk.web.common import staff_required
from desk.web.live import Item, event_stream

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
    def moves_the_board(item: Item) -> bool:
        return item.get("kind") in BOARD_EVENTS

    def on_event(item: Item) -> Iterator[str]:
        yield f"event: changed\ndata: {item.get('kind')}\n\n"

    return event_stream(moves_the_board, lambda: (), on_event)

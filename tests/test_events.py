"""Live events: delivered after the commit that caused them, never after a rollback; on
PostgreSQL from one process to another through LISTEN/NOTIFY (one listener per process)."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base import events
from desk.base.db import Database
from desk.calls import presence
from desk.models import Secretary
from tests.conftest import pin_clock
from tests.helpers.routing import CLAIRE, paris
from tests.helpers.serve import desk_serve
from tests.helpers.voice_steps import incoming, press, screen

LUNCH = paris(2027, 3, 30, 12, 41)
SID = "CA" + "7" * 32


def drain(inbox: queue.Queue[dict[str, Any]], timeout: float = 5.0) -> list[dict[str, Any]]:
    """Every event that arrives until `timeout` passes with none."""
    got = []
    while True:
        try:
            got.append(inbox.get(timeout=timeout))
        except queue.Empty:
            return got
        timeout = 0.5


@pytest.fixture
def inbox(db: Database) -> Any:
    listener = events.listen(db.url)
    if listener is not None:
        assert listener.ready.wait(5), "the listener did not connect"
    with events.HUB.subscribe() as mine:
        yield mine
    events.stop_listening()


def test_an_event_arrives_after_the_commit_and_never_after_a_rollback(
    db: Database, inbox: queue.Queue[dict[str, Any]]
) -> None:
    with db.Session() as session:
        events.publish(session, "test", n=1)
        session.rollback()
        events.publish(session, "test", n=2)
        assert inbox.empty()  # not before the commit
        session.commit()
    assert [e for e in drain(inbox) if e["kind"] == "test"] == [{"kind": "test", "n": 2}]


def test_a_call_accepted_is_published_with_her_presence(
    app: Flask, client: FlaskClient, demo: str, inbox: queue.Queue[dict[str, Any]]
) -> None:
    pin_clock(app, LUNCH)
    incoming(client, SID)
    screen(client, SID, CLAIRE)
    press(client, SID, CLAIRE, "1")
    got = drain(inbox)
    kinds = [(e["kind"], e.get("state")) for e in got]
    assert kinds == [("presence", "ringing"), ("presence", "on_call"), ("call-accepted", None)]
    assert got[1]["since"] == LUNCH.isoformat()


PUBLISHER = textwrap.dedent(
    """
    import sys
    from desk.base import events
    from desk.base.db import Database
    db = Database(sys.argv[1])
    with db.session() as session:
        events.publish(session, "from-another-process", pid=int(sys.argv[2]))
    db.dispose()
    """
)


def test_an_event_published_by_another_process_reaches_this_ones_streams(
    db: Database, inbox: queue.Queue[dict[str, Any]]
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite: one process serves, events stay in it")
    other = subprocess.run(
        [sys.executable, "-c", PUBLISHER, db.url, "4242"], capture_output=True, timeout=60
    )
    assert other.returncode == 0, other.stderr
    # Reached once: one listener per process (a stopped one never overlaps its successor).
    assert drain(inbox) == [{"kind": "from-another-process", "pid": 4242}]


def test_an_event_committed_here_reaches_a_stream_served_by_desk_serve(
    db: Database, demo: str, tmp_path: Path
) -> None:
    """Two processes on PostgreSQL: Claire's live stream open on `desk serve`, her presence
    changed and committed in this one: the stream tells her page."""
    if db.dialect != "postgresql":
        pytest.skip("SQLite: one process serves, events stay in it")
    with desk_serve(db.url, tmp_path, workers=1) as served:
        http = served.logged_in("claire@permanence.test")
        # A read timeout under the 15 s heartbeat: a lost event fails in 10 s, not at the
        # stream's end (5 minutes).
        stream = http.get(f"{served.url}/desk/live", stream=True, timeout=(10, 10))
        lines = stream.iter_lines(decode_unicode=True)
        assert next(lines) == "retry: 1000"
        with db.session() as session:
            claire = session.scalars(select(Secretary).where(Secretary.name == "Claire")).one()
            presence.take_break(session, claire.id, LUNCH)
        received = sse_events(lines, until="presence")
        assert received[-1][0] == "presence"
        assert json.loads(received[-1][1])["state"] == "on_break"


def sse_events(lines: Iterator[str], until: str) -> list[tuple[str, str]]:
    """The (event, data) pairs read off a Server-Sent Events stream until one named `until`."""
    found: list[tuple[str, str]] = []
    name = data = ""
    for line in lines:
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            data = line[len("data: ") :]
        elif line == "" and name:
            found.append((name, data))
            if name == until:
                return found
            name = data = ""
    return found

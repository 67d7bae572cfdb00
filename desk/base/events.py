"""Events of the live desk (a call offered, accepted, ended; a presence change; the queue's
length), published in the transaction that causes them and delivered after its commit.

PostgreSQL: `pg_notify` in the transaction itself, so an event is delivered at commit and
dropped with a rollback, to every process; each process keeps ONE listening connection
(`Listener`) that fans the events out to its open streams. SQLite (one process serves,
`desk run`): the events wait in the session and are handed to this process's hub after
the commit. Streams never query the database on a timer: they wait on the hub.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from desk.base.db import connection_of

log = logging.getLogger(__name__)

CHANNEL = "desk_events"
_PENDING = "desk.events.pending"
# Set in a session's `info` (`mute`): it publishes nothing. A rehearsal's scratch desk
# (desk/rehearsal/) shares secretary ids with the live desk: its events are not the live one's.
MUTED = "desk.events.muted"
# Each subscriber's backlog at most; a stalled page loses old events, never the process.
BACKLOG = 256
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


def publish(session: Session, kind: str, **data: Any) -> None:
    """Publish `kind` with `data` once the session's transaction commits."""
    if session.info.get(MUTED):
        return
    payload = json.dumps({"kind": kind, **data}, default=str, separators=(",", ":"))
    if session.get_bind().dialect.name == "postgresql":
        connection_of(session).execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})
    else:
        session.connection()  # in a transaction, so that its rollback drops the event
        session.info.setdefault(_PENDING, []).append(payload)


def mute(factory: sessionmaker[Session]) -> None:
    """The sessions `factory` makes from now on publish nothing."""
    factory.configure(info={MUTED: True})


@event.listens_for(Session, "after_commit")
def _deliver_committed(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    for payload in pending or ():
        HUB.deliver(payload)


@event.listens_for(Session, "after_rollback")
def _drop_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


Wanted = Callable[[dict[str, Any]], bool]


def everything(item: dict[str, Any]) -> bool:
    return True


class Hub:
    """This process's subscribers (open streams); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Each open stream's inbox, with what it wants: an event another stream wants
        # never wakes this one (hundreds of open pages, one secretary concerned).
        self._queues: dict[queue.Queue[dict[str, Any]], Wanted] = {}

    def deliver(self, payload: str) -> None:
        try:
            item = json.loads(payload)
        except ValueError:
            log.warning("event not JSON, dropped: %r", payload[:200])
            return
        with self._lock:
            targets = [inbox for inbox, wanted in self._queues.items() if wanted(item)]
        for target in targets:
            try:
                target.put_nowait(item)
            except queue.Full:
                log.warning("a live stream is behind by %s events: oldest dropped", BACKLOG)
                try:
                    target.get_nowait()
                    target.put_nowait(item)
                except (queue.Empty, queue.Full):
                    pass

    def wake(self) -> None:
        """Wake every open stream now (a server stopping: each then sees its stop)."""
        with self._lock:
            targets = list(self._queues)
        for target in targets:
            with suppress(queue.Full):
                target.put_nowait({"kind": "wake"})

    @contextmanager
    def subscribe(self, wanted: Wanted = everything) -> Iterator[queue.Queue[dict[str, Any]]]:
        """An inbox for the events `wanted` says yes to (and the wake-ups)."""
        mine: queue.Queue[dict[str, Any]] = queue.Queue(BACKLOG)
        with self._lock:
            self._queues[mine] = wanted
        try:
            yield mine
        finally:
            with self._lock:
                self._queues.pop(mine, None)

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._queues)


HUB = Hub()


class Listener(threading.Thread):
    """The process's one `LISTEN` connection to PostgreSQL, feeding `hub`; reconnects."""

    def __init__(self, database_url: str, hub: Hub = HUB) -> None:
        super().__init__(name="desk-events-listener", daemon=True)
        url = make_url(database_url).set(drivername="postgresql")
        self.conninfo = url.render_as_string(hide_password=False)
        self.hub = hub
        self.stopping = threading.Event()
        self.ready = threading.Event()

    def run(self) -> None:
        failures = 0
        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=3) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.ready.set()
                    failures = 0
                    while not self.stopping.is_set():
                        for note in conn.notifies(timeout=1.0):
                            if self.stopping.is_set():  # a listener replacing it delivers
                                break
                            self.hub.deliver(note.payload)
            except psycopg.Error as exc:
                # Once per outage, not once a second while the database is away.
                (log.warning if failures == 0 else log.debug)(
                    "event listener: PostgreSQL unreachable (%s); retrying", exc
                )
                failures += 1
                self.ready.clear()
                self.stopping.wait(min(1.0 * failures, 10.0))

    def stop(self) -> None:
        self.stopping.set()


def stop_listening() -> None:
    """Stop this process's listeners (a server stopping; tests)."""
    with _listeners_lock:
        stopped = list(_listeners.values())
        _listeners.clear()
    for listener in stopped:
        listener.stop()
    for listener in stopped:
        listener.join(timeout=3)  # then a new listener never overlaps it


_listeners: dict[str, Listener] = {}
_listeners_lock = threading.Lock()


def listen(database_url: str) -> Listener | None:
    """Start this process's listener for a PostgreSQL database (once); None on SQLite,
    whose events are delivered in the process itself."""
    if not database_url.startswith("postgresql"):
        return None
    with _listeners_lock:
        found = _listeners.get(database_url)
        if found is None or not found.is_alive() or found.stopping.is_set():
            found = Listener(database_url)
            found.start()
            _listeners[database_url] = found
        return found

"""Engines, sessions and the unit of work. No Flask here: the CLI, the scheduler and
tests use it too.

Whoever starts a unit of work owns it: a view, a job or a command commits or rolls back
(`Database.session()` does both); domain functions flush at most. SQLite's write lock is
handled here and only here: `begin_immediate` takes it, keeps an open transaction's
work for its owner, and never commits someone else's work (`_fresh`). Every commit
waits for the disk (SQLite `synchronous=FULL`, PostgreSQL's default
`synchronous_commit=on`).
"""

from __future__ import annotations

import select
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

# Time limits, sized for Twilio: a voice webhook must answer within 15 s whatever the
# database does, and the caller hear the fallback within 5 s when it hangs
# (docs/decisions.md). Connecting (TCP and the start-up exchange) gives up after
# CONNECT_TIMEOUT; waiting for a pooled connection after POOL_TIMEOUT; one statement
# (PostgreSQL) or the wait for SQLite's write lock after STATEMENT_TIMEOUT; a row lock
# after LOCK_TIMEOUT. A pooled connection found dead before use (`_check_before_use`)
# is swapped for a new one (a server restart), so every user of the pool recovers by
# itself.
CONNECT_TIMEOUT_SECONDS = 3
POOL_TIMEOUT_SECONDS = 3
STATEMENT_TIMEOUT_MS = 5000
LOCK_TIMEOUT_MS = 3000
# A pooled PostgreSQL connection back in the pool for longer than this is pinged before
# use; one used more recently only if the server sent it something (pgx's rule).
PING_AFTER_IDLE_SECONDS = 1.0


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine configured for the desk: foreign keys, WAL and durable commits on
    SQLite, time limits and dead pooled connections replaced before use on PostgreSQL."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            hide_parameters=not echo,
            connect_args={"check_same_thread": False, "timeout": STATEMENT_TIMEOUT_MS / 1000},
        )
        _configure(engine)  # first: its `begin` listener clears what the next one sets
        _configure_sqlite(engine)
        return engine
    options = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={LOCK_TIMEOUT_MS}"
    engine = create_engine(
        url,
        echo=echo,
        # Errors in logs show the statement, not its values: they hold feed and cancel
        # tokens, patients' names and numbers.
        hide_parameters=not echo,
        pool_size=5,
        max_overflow=10,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS, "options": options},
    )
    _check_before_use(engine)
    return _configure(engine)


_RETURNED = "desk.returned_at"  # ConnectionPoolEntry.info: when it was last checked in


def _check_before_use(engine: Engine) -> None:
    """Hand out a pooled connection only if it is alive: pinged (a round trip) when idle
    for over `PING_AFTER_IDLE_SECONDS` or when the server sent it something since its
    last use; else handed out as it is (docs/decisions.md, "Database time limits are
    sized for Twilio").

    A server that stops or ends a session (restart, `pg_terminate_backend`, an idle
    timeout) sends its reason and closes the socket: a busy connection sees it at once,
    with no round trip. One that vanished without a word is found by the ping after a
    second of idleness. A connection found dead is replaced (`DisconnectionError`: the
    pool connects anew).
    """

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, entry: ConnectionPoolEntry) -> None:
        entry.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _alive(dbapi_connection: Any, entry: ConnectionPoolEntry, _proxy: Any) -> None:
        returned = entry.info.get(_RETURNED)
        if returned is None:  # just connected (`info` is emptied with its connection)
            return
        if time.monotonic() - returned < PING_AFTER_IDLE_SECONDS and _quiet(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(f"pooled connection lost: {error}") from error


def _quiet(dbapi_connection: Any) -> bool:
    """Nothing arrived on an idle connection's socket (no notice, no end of file)."""
    readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    return not readable


_BEGIN_IMMEDIATE = "desk.begin_immediate"  # Connection.info: this transaction holds the lock
_CHANGES = "desk.sqlite_changes"  # SQLite's count of changed rows when it began
_POLLING = "desk.sqlite_polling"  # SQLite's busy_timeout is 0: BEGIN IMMEDIATE polls
_READING = "desk.sqlite_reading"  # no BEGIN yet: the reads of `read_then_lock`
T = TypeVar("T")


def _configure(engine: Engine) -> Engine:
    @event.listens_for(engine, "begin")
    def _reset(conn: Connection) -> None:
        # Connection.info outlives a transaction.
        conn.info.pop(_BEGIN_IMMEDIATE, None)
        conn.info.pop(_READING, None)

    return engine


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot say BEGIN IMMEDIATE;
    # take it over (the recipe from SQLAlchemy's SQLite dialect documentation), so that
    # a webhook or a booking holds the write lock from `begin_immediate` to its commit.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: every commit is synced to the WAL file before it returns, so a power
        # cut loses no committed call, message or booking (NORMAL would sync only at
        # checkpoints).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()  # the busy timeout: sqlite3's `timeout` argument (connect_args)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        dbapi_connection: Any = conn.connection.dbapi_connection
        conn.info[_CHANGES] = dbapi_connection.total_changes
        begin = conn.get_execution_options().get("sqlite_begin")
        if begin == "LATER":
            conn.info[_READING] = True  # each read on its own until `begin_immediate`
            return
        immediate = begin == "IMMEDIATE"
        _set_polling(conn, immediate)
        if immediate:
            _begin_immediate(conn)
        else:
            conn.exec_driver_sql("BEGIN")


def _set_polling(conn: Connection, polling: bool) -> None:
    """BEGIN IMMEDIATE waits by short polls (busy_timeout 0), any other transaction in
    SQLite's busy handler: set when the kind changes (webhooks follow each other)."""
    if polling != conn.info.get(_POLLING, False):
        timeout = 0 if polling else STATEMENT_TIMEOUT_MS
        conn.exec_driver_sql(f"PRAGMA busy_timeout={timeout}")
        conn.info[_POLLING] = polling


def _begin_immediate(conn: Connection) -> None:
    """BEGIN IMMEDIATE, waiting for another connection's write lock by short polls
    (the connection's busy_timeout is 0 then: `_on_begin`).

    SQLite's busy handler sleeps 1, 2, 5, 10… up to 100 ms between tries, while a
    webhook holds the lock for a commit's fsync: under load the worker that just
    committed takes the lock again before the sleeping one wakes, and the bench saw
    4 calls a second with a p99 of 4 s. Polling every 50 µs to 1 ms, within the same
    limit, lets the waiter in as soon as the lock is free; past the limit, SQLAlchemy's
    OperationalError ("database is locked"). Once it holds the lock, a transaction
    waits for no other lock (WAL), so the 0 may stay for its statements.
    """
    deadline = time.monotonic() + STATEMENT_TIMEOUT_MS / 1000
    pause = 0.00005
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as error:
            if not _busy(error) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.001)


def _busy(error: OperationalError) -> bool:
    """SQLite's SQLITE_BUSY, extended codes included (BUSY_RECOVERY, BUSY_SNAPSHOT…)."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


def _has_written(conn: Connection) -> bool:
    """Whether the open SQLite transaction changed rows, as SQLite itself counts them
    (ORM, Core or plain SQL alike)."""
    dbapi_connection: Any = conn.connection.dbapi_connection
    return bool(dbapi_connection.total_changes != conn.info.get(_CHANGES))


def _fresh(session: Session) -> bool:
    """Make way for a new unit of work: True to begin one, False to go on in the open one.

    Never a commit:
    - no transaction: begin one;
    - on PostgreSQL, an open transaction goes on: under READ COMMITTED each statement
      sees what was committed before it and a write waits for the row locks it needs,
      so there is no stale snapshot to leave;
    - on SQLite, a transaction that has work (pending changes are flushed: they are its
      owner's) or began with `begin_immediate` holds the write lock already (a
      transaction keeps it from its first write to its end, and no one else can commit
      meanwhile, so its reads are current): go on in it, its owner commits it;
    - on SQLite, a transaction that only read: rolled back, nothing is lost (its read
      snapshot may be stale and could not take the write lock).
    """
    if not session.in_transaction():
        return True
    session.flush()
    conn = session.connection()
    if conn.dialect.name != "sqlite" or conn.info.get(_BEGIN_IMMEDIATE) or _has_written(conn):
        return False
    session.rollback()
    return True


def begin_immediate(session: Session) -> None:
    """Start the session's unit of work for writing, holding SQLite's write lock.

    Call it first thing in a unit of work that reads then writes and must not race
    (booking a slot, every webhook). On PostgreSQL the constraints do that job; what
    happens to an already open transaction is the same on both (`_fresh`).
    """
    if session.in_transaction() and _lock_after_reads(session.connection()):
        return
    if not _fresh(session):
        return
    if session.get_bind().dialect.name == "sqlite":
        conn = session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    else:
        conn = session.connection()
    conn.info[_BEGIN_IMMEDIATE] = True


def _lock_after_reads(conn: Connection) -> bool:
    """After `read_then_lock`'s reads (no BEGIN yet), BEGIN IMMEDIATE in their connection;
    False when the connection is not in that state."""
    if not conn.info.pop(_READING, False):
        return False
    if _has_written(conn):
        raise RuntimeError("a write before the write lock, outside any transaction")
    _set_polling(conn, True)
    _begin_immediate(conn)
    conn.info[_BEGIN_IMMEDIATE] = True
    return True


def read_then_lock(session: Session, read: Callable[[Session], T]) -> T:
    """`read(session)`, then the write lock (`begin_immediate`): a unit of work that
    reads first and writes after (a call's first webhook; docs/decisions.md, "A new call
    reads before it takes SQLite's write lock").

    On SQLite the reads run before any BEGIN, each statement on its own against the last
    commit; `begin_immediate` then opens the transaction in the same connection, with no
    rollback between. So only the writes hold the lock, and the reads cost no
    transaction of their own. What they read may change before the lock is had: the
    writes check under it what must be current. `read` must not write (it would be
    committed at once; `begin_immediate` refuses to go on). A read SQLite finds busy
    (a database being recovered or closed elsewhere) is done again under the lock. On
    PostgreSQL: the same transaction throughout (READ COMMITTED).
    """
    if not session.in_transaction():
        session.connection(execution_options={"sqlite_begin": "LATER"})
    try:
        found = read(session)
    except OperationalError as error:
        if not _busy(error):
            raise
        session.rollback()
        begin_immediate(session)
        return read(session)
    begin_immediate(session)
    return found


def connection_of(source: Session | Connection) -> Connection:
    """The connection to run plain (Core) statements on, in the caller's transaction.

    A Session's own connection, its pending ORM changes flushed first (what autoflush
    does before an ORM query); a Connection as it is. Hot paths fetch it once and pass
    it down: asking the Session each time costs more than a simple query.
    """
    if isinstance(source, Connection):
        return source
    source.flush()
    return source.connection()


class Database:
    """An engine and its session factory."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = url
        self.echo = echo
        self.engine = make_engine(url, echo=echo)
        self.Session = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success, rolled back on error, always closed."""
        session = self.Session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

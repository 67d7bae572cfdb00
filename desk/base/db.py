"""Engines, sessions and the unit of work. No Flask here: the CLI, the scheduler and
tests use it too.

Whoever starts a unit of work owns it: a view, a job or a command commits or rolls back
(`Database.session()` does both); domain functions flush at most. SQLite's write lock is
handled here and only here: `begin_immediate` (take it first) and `begin_read_first`
(take it at the first write) treat an open transaction the same way on every backend,
and never commit someone else's work (`_fresh`).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

# Time limits, sized for Twilio: a voice webhook must answer within 15 s whatever the
# database does, and the caller hear the fallback within 5 s when it hangs
# (docs/decisions.md). Connecting (TCP and the start-up exchange) gives up after
# CONNECT_TIMEOUT; waiting for a pooled connection after POOL_TIMEOUT; one statement
# (PostgreSQL) or the wait for SQLite's write lock after STATEMENT_TIMEOUT; a row lock
# after LOCK_TIMEOUT. A pooled connection is pinged before use and swapped for a new one
# if it died (server restart), so every user of the pool recovers by itself; only
# `short_write` skips the ping (a round trip) and handles a lost connection itself.
CONNECT_TIMEOUT_SECONDS = 3
POOL_TIMEOUT_SECONDS = 3
STATEMENT_TIMEOUT_MS = 5000
LOCK_TIMEOUT_MS = 3000
# SQLite copies its WAL back into the database (and syncs both) once it holds this many
# pages: 4,000 (16 MB) rather than 1,000, a quarter of the checkpoints (docs/decisions.md).
WAL_CHECKPOINT_PAGES = 4000


def make_engine(url: str, echo: bool = False, asynchronous_commit: bool = False) -> Engine:
    """An engine configured for the desk: foreign keys and WAL on SQLite, a ping before use
    on PostgreSQL; there `asynchronous_commit` makes its commits not wait for the WAL
    flush (`Database.call_writes`)."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            hide_parameters=not echo,
            connect_args={"check_same_thread": False, "timeout": STATEMENT_TIMEOUT_MS / 1000},
        )
        _configure(engine)
        _configure_sqlite(engine)
        return engine
    options = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={LOCK_TIMEOUT_MS}"
    if asynchronous_commit:
        options += " -c synchronous_commit=off"
    connect_args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS, "options": options}
    engine = create_engine(
        url,
        echo=echo,
        # Errors in logs show the statement, not its values: they hold feed and cancel
        # tokens, patients' names and numbers.
        hide_parameters=not echo,
        pool_size=2 if asynchronous_commit else 5,
        max_overflow=4 if asynchronous_commit else 10,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args=connect_args,
    )
    _configure(engine)
    _ping_before_use(engine)
    return engine


_PING: ContextVar[bool] = ContextVar("desk.ping", default=True)
_USED = "desk.used"  # ConnectionPoolEntry.info: checked in at least once


def _ping_before_use(engine: Engine) -> None:
    """`pool_pre_ping`, which every checkout but `short_write`'s keeps.

    The ping is `pool_pre_ping`'s own (`Dialect.do_ping`: one empty statement outside a
    transaction). A connection that fails it is discarded and another checked out (the
    pool's contract for DisconnectionError raised here); a new one is not pinged.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_USED] = True

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if not _PING.get() or not record.info.get(_USED):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(str(error)) from error


_BEGIN = {
    "": "BEGIN",
    "DEFERRED": "BEGIN DEFERRED",
    "IMMEDIATE": "BEGIN IMMEDIATE",
    "EXCLUSIVE": "BEGIN EXCLUSIVE",
}
# Keys of `Connection.info`, reset at every BEGIN: what this transaction is.
_WRITE_UNIT = "desk.write_unit"  # begun by `begin_immediate`: holds SQLite's write lock
_READ_FIRST = "desk.read_first"  # begun by `begin_read_first`: locks at its first write
_CHANGES = "desk.sqlite_changes"  # SQLite's count of changed rows when it began
_BUSY_TIMEOUT = "desk.busy_timeout"  # ConnectionPoolEntry.info: SQLite's, as last set


class UnitOfWorkError(RuntimeError):
    """SQLite's write lock was to be taken over a transaction that wrote behind our back."""


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot say BEGIN IMMEDIATE;
    # take it over (the recipe from SQLAlchemy's SQLite dialect documentation), so that
    # booking can hold the write lock between its check and its insert.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a process crash
        # loses nothing, a power cut may lose the last commits (docs/decisions.md).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={STATEMENT_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        cursor.close()
        record.info[_BUSY_TIMEOUT] = STATEMENT_TIMEOUT_MS

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        dbapi_connection: Any = conn.connection.dbapi_connection
        # Straight to the driver: through exec_driver_sql this one word cost as much as
        # a query (every webhook begins this way).
        if mode == "IMMEDIATE":
            _begin_immediate(dbapi_connection, conn.connection.info)
        else:
            _busy_timeout(dbapi_connection, conn.connection.info, STATEMENT_TIMEOUT_MS)
            dbapi_connection.execute(_BEGIN[mode])
        conn.info[_CHANGES] = dbapi_connection.total_changes

    @event.listens_for(engine, "before_cursor_execute")
    def _lock_before_first_write(
        conn: Connection, _cursor: Any, sql: str, _params: Any, context: Any, _many: bool
    ) -> None:
        # A transaction begun by `begin_read_first` takes the write lock just before its
        # first write, whoever writes (see `begin_read_first`).
        if _READ_FIRST in conn.info and _is_write(context, sql):
            _take_write_lock(conn)


# A SAVEPOINT counts: taking the lock ends the read snapshot (COMMIT), which would drop a
# savepoint opened before it (a job's `begin_nested` insert-or-find).
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")


def _is_write(context: Any, sql: str) -> bool:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        return True
    return sql.lstrip()[:9].upper().startswith(_WRITES)  # text() and driver SQL


def _configure(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _reset(conn: Connection) -> None:
        conn.info.pop(_WRITE_UNIT, None)
        conn.info.pop(_READ_FIRST, None)


def _take_write_lock(conn: Connection) -> None:
    """End a read-only SQLite transaction and begin again holding the write lock."""
    conn.info.pop(_READ_FIRST, None)
    conn.info[_WRITE_UNIT] = True
    dbapi_connection: Any = conn.connection.dbapi_connection
    if dbapi_connection.total_changes != conn.info.get(_CHANGES):
        # Cannot happen through SQLAlchemy (the first write lands here): say so loudly
        # rather than commit a write made behind our back.
        raise UnitOfWorkError("a read-first transaction wrote before taking the lock")
    # Nothing was written yet: ending the read snapshot loses nothing. A read snapshot
    # cannot become a write one after another worker's commit.
    dbapi_connection.execute("COMMIT")
    _begin_immediate(dbapi_connection, conn.connection.info)


def _busy_timeout(dbapi_connection: Any, info: dict[Any, Any], ms: int) -> None:
    """Set SQLite's busy timeout unless it is set so already (`info`: the pool entry's)."""
    if info.get(_BUSY_TIMEOUT) != ms:
        dbapi_connection.execute(f"PRAGMA busy_timeout={ms}")
        info[_BUSY_TIMEOUT] = ms


def _begin_immediate(dbapi_connection: Any, info: dict[Any, Any]) -> None:
    """BEGIN IMMEDIATE, waiting for another connection's write lock by short polls.

    SQLite's own busy handler sleeps 1, 2, 5, 10… ms between tries, while a webhook holds
    the lock for a fraction of a millisecond: two gunicorn workers then spent a fifth of
    their time asleep behind each other's commits (issue 15). Here the wait starts at
    50 µs and doubles up to 1 ms, with the same overall limit (`STATEMENT_TIMEOUT_MS`);
    past it, SQLAlchemy's OperationalError ("database is locked").

    The busy timeout stays at zero for the transaction (it holds the write lock: nothing
    in it waits for another connection in WAL mode) and for the next ones begun this
    way; a plain BEGIN sets it back (`_on_begin`). Setting it twice per webhook cost
    two driver calls every call.
    """
    deadline = time.monotonic() + STATEMENT_TIMEOUT_MS / 1000
    pause = 0.00005
    _busy_timeout(dbapi_connection, info, 0)
    while True:
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
            if time.monotonic() > deadline:
                # As SQLAlchemy reports a driver error: callers catch one kind.
                raise OperationalError("BEGIN IMMEDIATE", None, error) from error
        time.sleep(pause)
        pause = min(pause * 2, 0.001)


_PG_WROTE = text("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")


def _has_written(conn: Connection) -> bool:
    """Whether the open transaction changed rows, as the database itself counts them
    (ORM, Core or plain SQL alike)."""
    if conn.dialect.name == "sqlite":
        dbapi_connection: Any = conn.connection.dbapi_connection
        return bool(dbapi_connection.total_changes != conn.info.get(_CHANGES))
    if conn.dialect.name == "postgresql":
        # A transaction gets an id at its first write (PostgreSQL 13 and later).
        return bool(conn.execute(_PG_WROTE).scalar())
    return True  # no way to tell: assume it did


def _fresh(session: Session) -> bool:
    """Make way for a new unit of work: True to begin one, False to go on in the open one.

    The same on every backend, and never a commit:
    - no transaction: begin one;
    - a transaction that has work (pending changes are flushed: they are its owner's) or
      began with `begin_immediate`: it holds SQLite's write lock already (a transaction
      keeps it from its first write to its end, and no one else can commit meanwhile,
      so its reads are current): go on in it, its owner commits it;
    - a transaction that only read: rolled back, nothing is lost (on SQLite its read
      snapshot may be stale and could not take the write lock).
    """
    if not session.in_transaction():
        return True
    session.flush()
    conn = session.connection()
    if conn.info.get(_WRITE_UNIT) or _has_written(conn):
        return False
    session.rollback()
    return True


def begin_immediate(session: Session) -> None:
    """Start the session's unit of work for writing, holding SQLite's write lock.

    Call it first thing in a unit of work that reads then writes and must not race
    (booking a slot, every webhook). On PostgreSQL the constraints do that job; what
    happens to an already open transaction is the same on both (`_fresh`).
    """
    if not _fresh(session):
        session.connection().info[_WRITE_UNIT] = True
        return
    if session.get_bind().dialect.name == "sqlite":
        conn = session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    else:
        conn = session.connection()
    conn.info[_WRITE_UNIT] = True


def begin_read_first(session: Session) -> None:
    """Start a unit of work that reads, decides, then writes (routing a new call).

    On SQLite the reads run without the write lock, so another worker's writes are not
    held up meanwhile; the first write (any INSERT, UPDATE or DELETE, ORM or Core) ends
    that read snapshot and begins again with `BEGIN IMMEDIATE` (a read snapshot cannot
    become a write one after another worker's commit). What was read may then be a
    moment old: use it only where unique keys catch a twin that wrote in between (the
    caller then rolls back and does it again with `begin_immediate`). Elsewhere, a
    plain transaction. What happens to an already open transaction is `_fresh`'s.
    """
    if not _fresh(session):
        return
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.info[_READ_FIRST] = True


@contextmanager
def short_write(engine: Engine) -> Iterator[Connection]:
    """A unit of work that writes without reading first, committed at the end: a kept
    call's inserts, run on the driver's cursor (`desk.base.driver.Prepared`).

    On PostgreSQL what it writes must be one statement: the connection autocommits, so
    the statement is its own transaction, and it is not pinged first: one round trip
    where ping, BEGIN, the statement and COMMIT took four. A connection lost since its
    last use then fails as a disconnect (`DBAPIError.connection_invalidated`), and the
    caller does its work again. On SQLite BEGIN IMMEDIATE and COMMIT on the driver
    around it (SQLAlchemy's transaction bookkeeping cost a fifth of a kept call's
    write); a statement run through SQLAlchemy there would begin a second transaction
    and fail loudly. Whoever opens it owns it, as with `Database.session()`; an error
    rolls it back.
    """
    token = _PING.set(False)
    try:
        conn = engine.connect()
    finally:
        _PING.reset(token)
    with conn:
        if conn.dialect.name != "sqlite":
            conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn
            return
        dbapi_connection: Any = conn.connection.dbapi_connection
        _begin_immediate(dbapi_connection, conn.connection.info)
        try:
            yield conn
        except BaseException:
            dbapi_connection.execute("ROLLBACK")
            raise
        dbapi_connection.execute("COMMIT")


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
        self._call_writes: Engine | None = None
        self._lock = threading.Lock()

    @property
    def call_writes(self) -> Engine:
        """The engine a new call's Call row is written on (`short_write`).

        On PostgreSQL a pool of its own whose commits do not wait for the WAL flush
        (`synchronous_commit=off`): a webhook waited a disk flush per call, and a call
        row is what SQLite's `synchronous=NORMAL` already risks, the last commits before
        the database host itself crashes (docs/decisions.md). Everything else, money
        and messages included, commits on `engine`, synchronously. On SQLite `engine`.
        """
        if self.engine.dialect.name != "postgresql":
            return self.engine
        with self._lock:
            if self._call_writes is None:
                self._call_writes = make_engine(self.url, self.echo, asynchronous_commit=True)
            return self._call_writes

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
        if self._call_writes is not None:
            self._call_writes.dispose()

"""Engines and sessions. No Flask here: the CLI, the scheduler and tests use it too."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

# Time limits, sized for Twilio: a voice webhook must answer within 15 s whatever the
# database does, and the caller hear the fallback within 5 s when it hangs
# (docs/decisions.md). Connecting (TCP and the start-up exchange) gives up after
# CONNECT_TIMEOUT; waiting for a pooled connection after POOL_TIMEOUT; one statement
# (PostgreSQL) or the wait for SQLite's write lock after STATEMENT_TIMEOUT; a row lock
# after LOCK_TIMEOUT. Pre-ping swaps a connection that died (server restart) for a new
# one before use, so every user of the pool recovers by itself.
CONNECT_TIMEOUT_SECONDS = 3
POOL_TIMEOUT_SECONDS = 3
STATEMENT_TIMEOUT_MS = 5000
LOCK_TIMEOUT_MS = 3000


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine configured for the desk: foreign keys and WAL on SQLite, pre-ping on PostgreSQL."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            hide_parameters=not echo,
            connect_args={"check_same_thread": False, "timeout": STATEMENT_TIMEOUT_MS / 1000},
        )
        _configure_sqlite(engine)
        return engine
    connect_args: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={LOCK_TIMEOUT_MS}",
    }
    return create_engine(
        url,
        echo=echo,
        # Errors in logs show the statement, not its values: they hold feed and cancel
        # tokens, patients' names and numbers.
        hide_parameters=not echo,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args=connect_args,
    )


_BEGIN = {
    "": "BEGIN",
    "DEFERRED": "BEGIN DEFERRED",
    "IMMEDIATE": "BEGIN IMMEDIATE",
    "EXCLUSIVE": "BEGIN EXCLUSIVE",
}


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot say BEGIN IMMEDIATE;
    # take it over (the recipe from SQLAlchemy's SQLite dialect documentation), so that
    # booking can hold the write lock between its check and its insert.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a process crash
        # loses nothing, a power cut may lose the last commits (docs/decisions.md).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={STATEMENT_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        # Straight to the driver: through exec_driver_sql this one word cost as much as
        # a query (every webhook begins this way).
        conn.connection.dbapi_connection.execute(_BEGIN[mode])


def begin_immediate(session: Session) -> None:
    """Start the session's transaction holding SQLite's write lock (no-op elsewhere).

    Call it first thing in a unit of work that reads then writes and must not race
    (booking a slot). On PostgreSQL the constraints do that job.
    """
    if session.get_bind().dialect.name == "sqlite":
        if session.in_transaction():
            session.commit()
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


_READ_FIRST = "desk.read_first"


def begin_read_first(session: Session) -> None:
    """Start a unit of work that reads, decides, then writes (routing a new call).

    On SQLite the reads run without the write lock, so another worker's writes are not
    held up meanwhile; `lock_for_writing` takes the lock just before the first write, in
    a fresh transaction (a read snapshot cannot become a write one after another
    worker's commit). What was read may then be a moment old: the unique keys catch a
    twin that wrote in between (the caller falls back to the locked path). Elsewhere, a
    plain transaction.
    """
    if session.in_transaction():
        session.commit()
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.info[_READ_FIRST] = conn.get_transaction()


def lock_for_writing(conn: Connection) -> None:
    """Take SQLite's write lock if this transaction began with `begin_read_first`.

    A no-op otherwise (already locked by `begin_immediate`, another backend, or a
    caller's own transaction, whose earlier writes must not be committed here).
    """
    began = conn.info.pop(_READ_FIRST, None)
    if began is None or began is not conn.get_transaction():
        return
    # Nothing was written yet: end the read snapshot, start again holding the lock.
    dbapi_connection = conn.connection.dbapi_connection
    assert dbapi_connection is not None
    dbapi_connection.execute("COMMIT")
    dbapi_connection.execute("BEGIN IMMEDIATE")


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

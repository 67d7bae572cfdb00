"""SQLite's write lock, waited for by short polls (`desk.base.db._begin_immediate`), and
the reads a unit of work makes before it (`desk.base.db.read_then_lock`).

A webhook that finds another worker's write lock waits for it and goes on as soon as it
is released; one held past the time limit fails with SQLite's "database is locked",
never a hang, and the connection serves again afterwards.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

import desk.base.db as db_module
from desk.base.db import Database, begin_immediate, read_then_lock
from desk.migrations import upgrade
from desk.models import Client


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'lock.sqlite3'}")
    upgrade(db.engine)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE probe (who TEXT)")
    yield db
    db.dispose()


def _hold_lock(path: Path, release: threading.Event, taken: threading.Event) -> None:
    """Another worker: holds the write lock (a pending insert) until told to commit."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO probe VALUES ('other')")
    taken.set()
    release.wait(10)
    other.execute("COMMIT")
    other.close()


def test_a_writer_waits_for_the_lock_then_sees_the_other_workers_commit(
    database: Database, tmp_path: Path
) -> None:
    release, taken = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(tmp_path / "lock.sqlite3", release, taken))
    holder.start()
    assert taken.wait(10)
    threading.Timer(0.2, release.set).start()
    with database.Session() as session:
        begin_immediate(session)  # blocks until the other commits
        assert release.is_set()
        assert session.connection().exec_driver_sql("SELECT who FROM probe").all() == [("other",)]
        session.add(Client(slug="mine", name="Cabinet Mien"))
        session.commit()
        timeout = session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar()
    holder.join()
    assert timeout == db_module.STATEMENT_TIMEOUT_MS
    with database.Session() as session:
        assert list(session.scalars(select(Client.slug))) == ["mine"]


def test_a_lock_held_past_the_limit_fails_clearly_and_loses_nothing(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "STATEMENT_TIMEOUT_MS", 300)
    release, taken = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(tmp_path / "lock.sqlite3", release, taken))
    holder.start()
    assert taken.wait(10)
    try:
        with database.Session() as session, pytest.raises(OperationalError, match="locked"):
            begin_immediate(session)
    finally:
        release.set()
        holder.join()
    with database.Session() as session:
        begin_immediate(session)  # the same pool's connection works again
        probe = session.connection().exec_driver_sql("SELECT who FROM probe").all()
        assert probe == [("other",)]


def _statements(database: Database) -> list[str]:
    """Every statement sent from now on, as SQL text."""
    sent: list[str] = []
    event.listen(
        database.engine, "before_cursor_execute", lambda *args: sent.append(args[2].strip())
    )
    return sent


def _other_writer_commits(path: Path, who: str) -> None:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("INSERT INTO probe VALUES (?)", (who,))
    other.close()


def test_reads_before_the_lock_hold_nothing_and_the_writes_follow_in_one_transaction(
    database: Database, tmp_path: Path
) -> None:
    """`read_then_lock` (a call's first webhook): the reads run before any BEGIN, each
    seeing the last commit (a deferred transaction's snapshot would hide the second
    commit below); then BEGIN IMMEDIATE in the same connection, no rollback between."""
    path = tmp_path / "lock.sqlite3"
    with database.Session() as session:
        sent = _statements(database)

        def read(s: Session) -> list[list[str]]:
            seen = []
            for who in ("first", "second"):
                dbapi: Any = s.connection().connection.dbapi_connection
                assert not dbapi.in_transaction  # no lock, no snapshot held
                rows = s.connection().exec_driver_sql("SELECT who FROM probe ORDER BY who")
                seen.append([r[0] for r in rows])
                _other_writer_commits(path, who)  # another worker commits meanwhile
            return seen

        seen = read_then_lock(session, read)
        assert seen == [[], ["first"]]
        dbapi: Any = session.connection().connection.dbapi_connection
        assert dbapi.in_transaction  # the write lock is held from here to the commit
        session.connection().exec_driver_sql("INSERT INTO probe VALUES ('mine')")
        session.commit()
    verbs = [s.split()[0].upper() for s in sent]
    assert verbs == ["SELECT", "SELECT", "PRAGMA", "BEGIN", "INSERT"]
    assert sent[2:4] == ["PRAGMA busy_timeout=0", "BEGIN IMMEDIATE"]
    with database.Session() as session:
        probe = session.connection().exec_driver_sql("SELECT who FROM probe ORDER BY who")
        assert [r[0] for r in probe] == ["first", "mine", "second"]


def test_a_write_among_the_reads_before_the_lock_is_refused(database: Database) -> None:
    with database.Session() as session:

        def read(s: Session) -> None:
            s.connection().exec_driver_sql("INSERT INTO probe VALUES ('early')")

        with pytest.raises(RuntimeError, match="before the write lock"):
            read_then_lock(session, read)


def test_a_read_found_busy_is_done_again_under_the_write_lock(database: Database) -> None:
    """SQLite answers a read busy only while a database is recovered or closed by
    another connection: that read is done again once the write lock is had."""
    calls: list[bool] = []

    def read(s: Session) -> str:
        dbapi: Any = s.connection().connection.dbapi_connection
        calls.append(dbapi.in_transaction)
        if len(calls) == 1:
            busy = sqlite3.OperationalError("database is locked")
            busy.sqlite_errorcode = 261  # type: ignore[attr-defined]  # SQLITE_BUSY_RECOVERY
            raise OperationalError("SELECT who FROM probe", {}, busy)
        return "read"

    with database.Session() as session:
        assert read_then_lock(session, read) == "read"
        session.connection().exec_driver_sql("INSERT INTO probe VALUES ('mine')")
        session.commit()
    assert calls == [False, True]  # the second time inside BEGIN IMMEDIATE

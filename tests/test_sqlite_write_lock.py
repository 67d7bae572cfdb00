"""SQLite's write lock, waited for by short polls (`desk.base.db._begin_immediate`).

A webhook that finds another worker's write lock waits for it and goes on as soon as it
is released; one held past the time limit fails with SQLite's "database is locked",
never a hang, and the connection serves again afterwards.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import desk.base.db as db_module
from desk.base.db import Database, begin_immediate
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

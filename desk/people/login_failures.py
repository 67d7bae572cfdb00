"""Failed logins counted in the database: the login guard's storage when no Redis is
configured, so every web worker (and every machine) sees the same counts.

One row per key ("account:<e-mail>", "address:<ip>") in a fixed window: the window
restarts at the first failure after it ended. Counting is one atomic `UPDATE … SET
failures = failures + 1`, so failures from many workers at once are all counted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from desk.models import LoginFailure

# Rows whose window ended this long ago are of no use: removed as failures come in.
FORGET_AFTER = timedelta(days=1)


def failures(session: Session, key: str, window: timedelta, now: datetime) -> int:
    """Failures of `key` in its window still running (0 when it has ended)."""
    row = session.get(LoginFailure, key, populate_existing=True)
    if row is None or row.window_start <= now - window:
        return 0
    return row.failures


def count_failure(session: Session, key: str, window: timedelta, now: datetime) -> None:
    """One more failure for `key`."""
    session.execute(
        update(LoginFailure)
        .where(LoginFailure.key == key, LoginFailure.window_start <= now - window)
        .values(window_start=now, failures=0)
        .execution_options(synchronize_session=False)
    )
    insert_into = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert_into(LoginFailure)
        .values(key=key, window_start=now, failures=0)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    session.execute(
        update(LoginFailure)
        .where(LoginFailure.key == key)
        .values(failures=LoginFailure.failures + 1)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(LoginFailure)
        .where(LoginFailure.window_start < now - FORGET_AFTER)
        .execution_options(synchronize_session=False)
    )

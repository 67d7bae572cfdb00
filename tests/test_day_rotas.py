"""Routing keeps each client's rota for the day, and never a stale one.

After a first call (the rota is then kept by the process), every kind of change a rota
is built from, made through the ORM, a Core statement or plain SQL, makes the next call
ring exactly whom a freshly loaded rota names. Without a change, the next call skips
the lookup and the rota's statements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, text, update
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.models import Absence, Override, Secretary, Shift, Training
from desk.rota import Rota
from tests.conftest import pin_clock
from tests.helpers.routing import demo_client, dialled, paris, twiml
from tests.helpers.twilio import fixture, signed_post

LUNCH = paris(2027, 3, 30, 12, 41)


def call(client: FlaskClient, n: int) -> list[str]:
    form = fixture("voice-incoming-forwarded", CallSid=f"CAkept{n:028d}")
    return dialled(twiml(signed_post(client, "/webhooks/voice/incoming", form)))


def fresh_plan(db: Database) -> list[str]:
    with db.Session() as s:
        return fresh_plan_in(s)


def first_on_duty(s: Session) -> Secretary:
    phone = fresh_plan_in(s)[0]
    found = s.scalar(select(Secretary).where(Secretary.phone == phone))
    assert found is not None
    return found


def fresh_plan_in(s: Session) -> list[str]:
    """Whom a rota loaded now, for the instant alone, rings first."""
    steps = Rota(s, demo_client(s), LUNCH, LUNCH + timedelta(microseconds=1)).plan(LUNCH)
    return [r.phone for r in steps[0]] if steps else []


def absent(s: Session) -> None:
    s.add(
        Absence(
            secretary_id=first_on_duty(s).id, starts_at=LUNCH, ends_at=LUNCH + timedelta(hours=2)
        )
    )


def replaced(s: Session) -> None:
    first = first_on_duty(s)
    other = s.scalar(select(Secretary).where(Secretary.id != first.id, Secretary.active))
    assert other is not None
    s.add(
        Override(
            original_secretary_id=first.id,
            replacement_secretary_id=other.id,
            starts_at=LUNCH - timedelta(hours=1),
            ends_at=LUNCH + timedelta(hours=1),
        )
    )


def new_phone_by_core(s: Session) -> None:
    s.execute(
        update(Secretary).where(Secretary.id == first_on_duty(s).id).values(phone="+33612009999")
    )


def shifts_gone_by_plain_sql(s: Session) -> None:
    s.execute(text("DELETE FROM shifts WHERE secretary_id = :id"), {"id": first_on_duty(s).id})


def deactivated(s: Session) -> None:
    first_on_duty(s).active = False


def overflow_dropped(s: Session) -> None:
    s.execute(update(Training).values(overflow_rank=None))
    s.execute(update(Shift).values(rank=Shift.rank))  # a no-op write counts too


CHANGES: list[Callable[[Session], None]] = [
    absent,
    replaced,
    new_phone_by_core,
    shifts_gone_by_plain_sql,
    deactivated,
    overflow_dropped,
]


@pytest.fixture
def desk(app: Flask, demo: str) -> FlaskClient:
    pin_clock(app, LUNCH)
    return app.test_client()


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__)
def test_a_change_to_the_rota_is_followed_by_the_next_call(
    desk: FlaskClient, db: Database, change: Callable[[Session], None]
) -> None:
    before = call(desk, 1)
    assert before == fresh_plan(db)  # kept now
    with db.session() as s:
        change(s)
    expected = fresh_plan(db)
    assert call(desk, 2) == expected
    if change is not overflow_dropped:
        assert expected != before  # the change mattered to this call


_NOT_COUNTED = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")


def _counting_cursor(base: Any, seen: Callable[[str], None]) -> Any:
    """psycopg's cursor class `base`, each statement it runs told to `seen` first."""

    class Counted(base):  # type: ignore[misc,valid-type]
        def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
            seen(query.decode() if isinstance(query, bytes) else str(query))
            return super().execute(query, *args, **kwargs)

    return Counted


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The statements the app's own engines run meanwhile, as the driver runs them (a new
    call's inserts go straight to it; they are written on a pool of their own on
    PostgreSQL: `Database.call_writes`): SQLite's trace callback, psycopg's cursor."""
    database = app.extensions["desk.db"]
    engines = {database.engine, database.call_writes}
    seen: list[str] = []
    kept: dict[int, Any] = {}  # each connection's own cursor class, put back at checkin

    def traced(sql: str) -> None:
        if not sql.lstrip().upper().startswith(_NOT_COUNTED):
            seen.append(sql)

    def trace(dbapi_connection: Any, *_args: object) -> None:
        if database.dialect == "sqlite":
            dbapi_connection.set_trace_callback(traced)
        else:
            kept[id(dbapi_connection)] = dbapi_connection.cursor_factory
            dbapi_connection.cursor_factory = _counting_cursor(kept[id(dbapi_connection)], traced)

    def untrace(dbapi_connection: Any, *_args: object) -> None:
        if database.dialect == "sqlite":
            dbapi_connection.set_trace_callback(None)
        elif id(dbapi_connection) in kept:
            dbapi_connection.cursor_factory = kept.pop(id(dbapi_connection))

    for engine in engines:
        event.listen(engine, "checkout", trace)
        event.listen(engine, "checkin", untrace)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "checkout", trace)
            event.remove(engine, "checkin", untrace)


def test_a_kept_rota_saves_its_statement_and_unrelated_edits_keep_it(
    app: Flask, desk: FlaskClient, db: Database
) -> None:
    with statements(app) as first:
        plan = call(desk, 1)
    with statements(app) as second:
        assert call(desk, 2) == plan
    # Kept: no lookup, no rota, only the writes (one statement on PostgreSQL).
    assert [sql for sql in second if sql.lstrip().upper().startswith("SELECT")] == []
    assert len(second) == (1 if db.dialect == "postgresql" else 2) < len(first)
    with db.session() as s:  # an e-mail is not part of a rota
        s.execute(update(Secretary).values(email="secretariat@example.test"))
    with statements(app) as third:
        assert call(desk, 3) == plan
    assert len(third) == len(second)

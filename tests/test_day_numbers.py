"""Routing keeps each desk number's client and coverage for the day, and never a stale one.

After a first call (its number's client and coverage, and its rota, are then kept by
the process), every kind of change routing reads of a client, made through the ORM, a
Core statement or plain SQL, makes the next call answer as a fresh lookup would; a
change between the kept decision and its write leaves nothing written; a change routing
does not read keeps what is kept (the next call runs no SELECT at all).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from desk.base.db import Database, short_write
from desk.base.kept import forget
from desk.base.wall_time import WeeklyRule
from desk.calls import new_call
from desk.calls.day_numbers import NumberDay
from desk.models import Call, Client, Closure, DeskNumber
from desk.rota.coverage import CoverageRules
from tests.conftest import pin_clock
from tests.helpers.routing import DESK_NUMBER, demo_client, paris, tags, twiml
from tests.helpers.twilio import fixture, signed_post
from tests.test_day_rotas import statements

LUNCH = paris(2027, 3, 30, 12, 41)
INCOMING = "/webhooks/voice/incoming"


def call(client: FlaskClient, n: int) -> list[str]:
    """The TwiML verbs of a new call's answer, and what it says first."""
    form = fixture("voice-incoming-forwarded", CallSid=f"CAnumber{n:026d}")
    root = twiml(signed_post(client, INCOMING, form))
    said = root.find("Say")
    return [*tags(root), (said.text or "") if said is not None else ""]


def windows_gone_by_plain_sql(s: Session) -> None:
    s.execute(text("DELETE FROM coverage_windows WHERE client_id = :id"), {"id": demo_client(s).id})


def closed_today(s: Session) -> None:
    today = LUNCH.date()
    s.add(Closure(client_id=demo_client(s).id, starts_on=today, ends_on=today, reason="congés"))


def suspended_by_core(s: Session) -> None:
    s.execute(update(Client).where(Client.id == demo_client(s).id).values(coverage_suspended=True))


def new_greeting(s: Session) -> None:
    demo_client(s).greeting = "Cabinet du Parc, bonjour"


def number_gone(s: Session) -> None:
    s.execute(delete(DeskNumber).where(DeskNumber.number == DESK_NUMBER))


def archived(s: Session) -> None:
    demo_client(s).active = False


CHANGES: list[Callable[[Session], None]] = [
    windows_gone_by_plain_sql,
    closed_today,
    suspended_by_core,
    new_greeting,
    number_gone,
    archived,
]


@pytest.fixture
def desk(app: Flask, demo: str) -> FlaskClient:
    pin_clock(app, LUNCH)
    return app.test_client()


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__)
def test_a_change_routing_reads_of_the_client_is_followed_by_the_next_call(
    app: Flask, desk: FlaskClient, db: Database, change: Callable[[Session], None]
) -> None:
    before = call(desk, 1)
    assert before[0] == "Say" and "Dial" in before  # covered, her pair rung
    with db.session() as s:
        change(s)
    with statements(app) as seen:
        after = call(desk, 2)
    assert after != before
    assert any(sql.lstrip().upper().startswith("SELECT") for sql in seen)  # looked up again
    forget()  # what a process that kept nothing answers
    assert call(desk, 3) == after


def test_a_change_routing_does_not_read_keeps_the_kept_client(
    app: Flask, desk: FlaskClient, db: Database
) -> None:
    before = call(desk, 1)
    with db.session() as s:  # the practice's own address is not routing's
        s.execute(update(Client).values(fiche="Parking dans la cour."))
    with statements(app) as seen:
        assert call(desk, 2) == before
    assert [sql for sql in seen if sql.lstrip().upper().startswith("SELECT")] == []


def test_a_change_between_the_kept_decision_and_its_write_writes_nothing(
    app: Flask, desk: FlaskClient, db: Database
) -> None:
    call(desk, 1)
    engine = app.extensions["desk.db"].engine
    decided = new_call.kept_call(engine, to=DESK_NUMBER, at=LUNCH)
    assert decided is not None and decided[1].ringing  # kept: decided without a statement
    with db.session() as s:
        s.execute(update(Client).values(greeting="Changé entre-temps"))
    new = dict(call_sid="CAraced", to=DESK_NUMBER, caller="+33145678901", forwarded_from=None)
    with short_write(engine) as conn:
        assert not new_call.record_kept_call(conn, *decided, **new, at=LUNCH)
    with db.Session() as s:
        assert (
            s.scalar(select(func.count()).select_from(Call).where(Call.call_sid == "CAraced")) == 0
        )
    assert new_call.kept_call(engine, to=DESK_NUMBER, at=LUNCH) == decided  # until looked up
    assert call(desk, 2)[-1] == "Changé entre-temps"


HALF_HOURS = st.integers(0, 47).map(lambda n: time(n // 2, 30 * (n % 2)))
WINDOW = st.tuples(st.frozensets(st.integers(0, 6), min_size=1), HALF_HOURS, HALF_HOURS)


@settings(max_examples=60, deadline=None)
@given(
    windows=st.lists(WINDOW, min_size=1, max_size=3),
    day=st.dates(date(2026, 1, 1), date(2031, 12, 31)),
    minute=st.integers(0, 24 * 60 - 1),
    zone=st.sampled_from(["Europe/Paris", "America/New_York", "Pacific/Auckland"]),
    closed=st.booleans(),
)
def test_the_kept_coverage_of_a_day_answers_as_the_rules_do(
    windows: list[tuple[frozenset[int], time, time]],
    day: date,
    minute: int,
    zone: str,
    closed: bool,
) -> None:
    client = Client(timezone=zone, holiday_policy="closed", holiday_country="FR")
    rules = CoverageRules(
        tz=ZoneInfo(zone),
        windows=tuple(WeeklyRule(days, start, end) for days, start, end in windows),
        closures=((day, day),) if closed else (),
        holiday_policy="closed",
        holiday_country="FR",
    )
    at = datetime.combine(day, time(), UTC) + timedelta(minutes=minute)
    assert NumberDay.of(client, rules, at).is_covered(at) == rules.at(at).covered


def test_only_a_new_calls_row_commits_without_waiting_for_the_disk(
    app: Flask, desk: FlaskClient, db: Database
) -> None:
    database = app.extensions["desk.db"]
    if db.dialect != "postgresql":  # SQLite: one engine, synchronous=NORMAL throughout
        assert database.call_writes is database.engine
        return
    call(desk, 1)
    with statements(app) as seen:
        call(desk, 2)
    assert len(seen) == 1  # the kept call, on its own pool
    with database.call_writes.connect() as conn:
        assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "off"
    with database.engine.connect() as conn:  # pages, jobs, money, messages
        assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"

"""The desk-wide staffing advice is kept while what it reads stands, and never stale.

Once its history is settled, a second view of a week's advice runs two statements and
gives the same advice; each kind of change it reads (a call added to the history, a
shift, an absence, a client leaving, a coverage window, a closure) makes the next view
the advice worked out afresh. While the history's last day is less than a day old, its
calls may still change (an outcome, a talk time): the advice is then never kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from bench.network import seed_network
from desk.base.db import Database
from desk.models import Absence, Call, Client, Closure, CoverageWindow, Secretary, Shift, Training
from desk.reports.desk_staffing import DeskAdvice, desk_week_advice
from desk.reports.kept_advice import kept_week_advice
from tests.helpers.reports import statements

MONDAY = date(2027, 3, 29)
PARIS = ZoneInfo("Europe/Paris")
SETTLED = datetime(2027, 3, 31, 9, tzinfo=UTC)  # Wednesday: the history ended on Sunday
FRESH = datetime(2027, 3, 29, 12, tzinfo=UTC)  # Monday: Sunday's calls may still change


def _call(i: int, at: datetime, outcome: str = "missed") -> dict[str, object]:
    return {"call_sid": f"CAkept{i:028d}", "client_id": 1 + i % 3, "to_number": "+33100000001"} | {
        "caller": "+33145678901",
        "started_at": at,
        "outcome": outcome,
        "plan": [],
    }


@pytest.fixture
def network(db: Database) -> Database:
    seed_network(db.engine, 10, calls_per_client=2, appointments_per_client=1)
    with db.engine.begin() as conn:  # Tuesdays at lunch in the history, and last Sunday's
        calls = [
            _call(i, datetime(2027, 3, 23 - 7 * (i % 4), 12, i, tzinfo=PARIS)) for i in range(40)
        ]
        calls.append(_call(99, datetime(2027, 3, 28, 18, 30, tzinfo=PARIS)))
        conn.execute(insert(Call), calls)
    return db


def _kept(db: Database, now: datetime) -> DeskAdvice:
    with db.session() as s:
        return kept_week_advice(s, MONDAY, now)


def _fresh(db: Database) -> DeskAdvice:
    with db.session() as s:
        return desk_week_advice(s, MONDAY)


def _a_call(s: Session) -> None:
    at = datetime(2027, 3, 16, 12, 5, tzinfo=PARIS)
    s.execute(insert(Call), [_call(100 + i, at + timedelta(minutes=i)) for i in range(30)])


def _a_shift(s: Session) -> None:  # a newcomer, trained, at lunch every weekday
    newcomer = Secretary(name="Nouvelle", phone="+33699999999")
    s.add(newcomer)
    s.flush()
    s.add(Training(secretary_id=newcomer.id, client_id=2))
    lunch = {"start_local": time(12), "end_local": time(14)}
    s.add(Shift(client_id=2, secretary_id=newcomer.id, weekdays="01234", rank=3, **lunch))


def _an_absence(s: Session) -> None:
    at = datetime.combine(MONDAY + timedelta(days=1), time(11), PARIS)
    for who in range(1, 11):
        s.add(Absence(secretary_id=who, starts_at=at, ends_at=at + timedelta(hours=4)))


def _a_client_leaving(s: Session) -> None:
    s.execute(update(Client).where(Client.id == 2).values(active=False))


def _a_window(s: Session) -> None:  # Saturday mornings, which nobody covered
    s.add(CoverageWindow(client_id=2, weekdays="5", start_local=time(9), end_local=time(11)))


def _a_closure(s: Session) -> None:  # the Tuesdays the history learnt from, closed
    s.add(Closure(client_id=2, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 28)))


CHANGES: list[Callable[[Session], None]] = [
    _a_call,
    _a_shift,
    _an_absence,
    _a_client_leaving,
    _a_window,
    _a_closure,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_a_change_the_advice_reads_is_in_the_next_view(
    network: Database, change: Callable[[Session], None]
) -> None:
    first = _kept(network, SETTLED)
    assert first == _fresh(network)
    with statements(network) as seen:
        assert _kept(network, SETTLED) == first
    assert len(seen) == 2  # kept: the time zones, then the version and the window's calls
    with network.session() as s:
        change(s)
    after = _fresh(network)
    assert after != first  # the change mattered to the advice
    assert _kept(network, SETTLED) == after


def test_an_unsettled_history_is_worked_out_at_every_view(network: Database) -> None:
    first = _kept(network, FRESH)
    with network.session() as s:  # Sunday evening's call, missed, then answered after all
        s.execute(
            update(Call)
            .where(Call.call_sid == _call(99, FRESH)["call_sid"])
            .values(outcome="after-hours")
        )
    with statements(network) as seen:
        again = _kept(network, FRESH)
    assert len(seen) > 2 and again == _fresh(network) and again != first

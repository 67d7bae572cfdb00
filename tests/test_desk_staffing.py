"""Desk-wide staffing advice: every client's forecast added up, against everyone on duty."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.jobs.reports import catch_up
from desk.models import (
    Absence,
    Client,
    Closure,
    OfferedHalfHour,
    Override,
    RollupMark,
    Secretary,
    Shift,
)
from desk.reports.desk_staffing import desk_week_advice
from desk.reports.facts import Period, Scope, load_facts, load_offered
from desk.reports.forecast import Tally, Verdict, forecast
from desk.reports.offered import offered_tallies
from desk.rota import CoverageRules, Rota
from tests.conftest import AuthActions
from tests.helpers.database import seeded_network
from tests.helpers.html import one, parse, texts
from tests.helpers.reports import Ring, make_call, paris
from tests.helpers.routing import demo_client, secretary
from tests.helpers.web import LOGINS

APRIL_5 = date(2027, 4, 5)  # a Monday; the two weeks before hold Easter Monday (29 March)
TUESDAY = date(2027, 4, 6)


def _two_clients(session: Session) -> tuple[Client, Client]:
    """The demo client (its rota: Claire and Sophie) and a second one, busy on Tuesdays."""
    parc = demo_client(session)
    claire = secretary(session, "Claire")
    for at in (paris(2027, 3, 22, 12, 5), paris(2027, 3, 22, 12, 10), paris(2027, 3, 23, 12, 5)):
        make_call(session, parc, at, "answered", rings=[Ring(claire, 0, 1, 6, 100, "accepted")])
    other = Client(slug="cabinet-des-lilas", name="Cabinet des Lilas")
    session.add(other)
    session.flush()
    for day in (23, 30):  # two Tuesdays, 20 calls each between 12:00 and 12:30
        for minute in range(20):
            make_call(session, other, paris(2027, 3, day, 12, minute), "missed")
    make_call(session, other, paris(2027, 3, 24, 18, 40), "missed")  # a Wednesday evening
    return parc, other


def test_desk_wide_expected_calls_are_the_clients_added_up(demo: str, session: Session) -> None:
    parc, other = _two_clients(session)
    found = desk_week_advice(session, APRIL_5, weeks=2)
    mine, theirs = forecast(session, parc, APRIL_5, 2), forecast(session, other, APRIL_5, 2)
    assert found.clients == 2
    for w in range(7):
        for s in range(48):
            assert found.expected[w][s] == mine.expected[w][s] + theirs.expected[w][s]
    assert found.expected[1][24] == 0.5 + 20.0  # Tuesday 12:00: (1 + 0) / 2 + (20 + 20) / 2
    assert found.expected[2][37] == 0.5  # Wednesday 18:30, the second client's only
    assert found.aht_seconds == 100  # only the answered calls measure handling time


def test_desk_wide_advice_names_the_under_staffed_half_hours(demo: str, session: Session) -> None:
    _two_clients(session)
    found = desk_week_advice(session, APRIL_5, weeks=2)
    # The demo's coverage: weekdays 12-14 and 18-19, Saturday 8-12 (the other client none).
    assert len(found.half_hours) == 5 * 6 + 8
    # Tuesday 12:00: 41 calls an hour of 100 s need 3 secretaries; Claire and Sophie are 2.
    assert [(h.day, h.label, h.needed, h.on_duty) for h in found.under] == [
        (TUESDAY, "12:00", 3, 2)
    ]
    wednesday = {h.label: h for h in found.half_hours if h.day == date(2027, 4, 7)}
    assert wednesday["18:30"].expected == 0.5 and wednesday["18:30"].verdict == Verdict.OVER


def test_the_offered_calls_are_the_facts_a_forecast_reads(demo: str, session: Session) -> None:
    parc, other = _two_clients(session)
    claire, sophie = secretary(session, "Claire"), secretary(session, "Sophie")
    rings = [  # Claire took the call; a later acceptance by Sophie, whose bridge failed
        Ring(claire, 0, 1, 4, 240, "completed"),
        Ring(sophie, 1, 8, 12, 30, "failed"),
    ]
    make_call(session, parc, paris(2027, 3, 24, 12, 20), "answered", rings=rings)
    make_call(session, parc, paris(2027, 3, 24, 19, 30), "after-hours")
    period = Period(date(2027, 3, 22), date(2027, 4, 4), ZoneInfo("Europe/Paris"))
    ids = (parc.id, other.id)
    facts = load_facts(session, Scope(ids), period)
    offered = load_offered(session, select(Client.id).where(Client.id.in_(ids)), period)
    read = ("client_id", "started_at", "outcome", "talk_seconds", "human_seconds")
    read += ("gave_up_seconds", "queue_state", "queue_seconds")
    assert [tuple(getattr(f, k) for k in read) for f in facts] == [
        tuple(getattr(f, k) for k in read) for f in offered
    ]
    assert sorted(f.talk_seconds for f in offered if f.talk_seconds) == [100.0, 100.0, 100.0, 240.0]


def test_the_admin_reads_the_desk_wide_advice(
    client: FlaskClient, auth: AuthActions, db: Database, demo: str
) -> None:
    with db.session() as s:
        _two_clients(s)
        s.commit()
    auth.login(LOGINS["secretary"])
    assert client.get("/desk/reports/staffing?week=2027-04-05").status_code == 403
    auth.logout()
    auth.login(LOGINS["admin"])
    page = client.get("/desk/reports/staffing?week=2027-04-07").get_data(as_text=True)
    # 8 weeks of history (the default): Tuesday 12:00 expects (1 + 40) / 8 calls.
    row = one(parse(page), '//tr[@data-staffing-day="2027-04-06"][@data-slot="12:00"]')
    # Calls expected, secretaries needed, on duty, verdict.
    assert texts(row, "./td")[2:] == ["5.12", "2", "2", "juste"]
    assert any(title.endswith("tout le bureau") for title in texts(parse(page), "//h1"))
    assert "0 demi-heure en sous-effectif" in page  # French: 0 is singular
    assert client.get("/desk/reports/staffing?week=06/04").status_code == 422


def _reference(session: Session, monday: date) -> list[tuple[date, int, int]]:
    """(day, half hour, secretaries on duty) of the open half hours, asked client by
    client and half hour by half hour (the loading the page had before issue 15)."""
    clients = session.scalars(select(Client).where(Client.active.is_(True))).all()
    covered = []
    for client in clients:
        tz = ZoneInfo(client.timezone)
        start = datetime.combine(monday, time(), tz)
        end = start + timedelta(days=7)
        rules = CoverageRules.load(session, client, monday, monday + timedelta(days=6))
        covered.append((tz, rules.intervals(start, end), Rota(session, client, start, end)))
    found = []
    for i in range(7):
        day = monday + timedelta(days=i)
        for slot in range(48):
            on_duty: set[int] = set()
            open_for_any = False
            for tz, intervals, rota in covered:
                at = datetime.combine(day, time(slot // 2, 30 * (slot % 2)), tz)
                at += timedelta(minutes=15)
                open_for_any |= any(s <= at < e for s, e in intervals)
                on_duty |= {r.secretary_id for r, _duty in rota.on_duty(at)}
            if open_for_any:
                found.append((day, slot, len(on_duty)))
    return found


def test_the_set_based_advice_is_the_client_by_client_one(db: Database) -> None:
    seeded_network(db, 30, calls_per_client=40, appointments_per_client=1)
    with db.session() as session:  # absences, replacements and a leaver cut the duties
        leaver = session.scalars(select(Shift.secretary_id).where(Shift.client_id == 7)).first()
        session.execute(update(Secretary).where(Secretary.id == leaver).values(active=False))
        rng = random.Random(15)
        for n in range(12):
            who = rng.randrange(1, 250)
            at = datetime(2027, 3, 29 + n % 3, 10, tzinfo=ZoneInfo("UTC")) + timedelta(hours=n)
            session.add(Absence(secretary_id=who, starts_at=at, ends_at=at + timedelta(hours=3)))
            session.add(
                Override(
                    original_secretary_id=rng.randrange(1, 250),
                    replacement_secretary_id=rng.randrange(1, 250),
                    starts_at=at,
                    ends_at=at + timedelta(hours=5),
                )
            )
    monday = date(2027, 3, 29)
    with db.session() as session:
        advice = desk_week_advice(session, monday)
        expected = [[0.0] * 48 for _ in range(7)]
        for client in session.scalars(select(Client).where(Client.active.is_(True))):
            fc = forecast(session, client, monday)
            for w in range(7):
                for s in range(48):
                    expected[w][s] += fc.expected[w][s]
        assert [(h.day, h.slot, h.on_duty) for h in advice.half_hours] == _reference(
            session, monday
        )
    assert advice.expected == expected and advice.clients == 30
    assert any(h.on_duty for h in advice.half_hours)


def taken(session: Session, client: Client, at: datetime, talk: int) -> None:
    """A call Claire answered and talked `talk` seconds in."""
    ring = Ring(secretary(session, "Claire"), 0, 1, 4, talk, "accepted")
    make_call(session, client, at, "answered", rings=[ring])


def test_a_network_closed_for_four_weeks_still_gets_its_advice(demo: str, db: Database) -> None:
    """Closed days are left out by reading the closures, not by binding each closed
    client and day: 1,200 clients closed for 28 days would be 67,200 parameters, past
    PostgreSQL's 65,535 a statement (a network closed for August)."""
    first, last = date(2027, 3, 1), date(2027, 3, 28)
    with db.session() as s:
        parc = demo_client(s)
        s.add(Closure(client_id=parc.id, starts_on=first, ends_on=last))
        make_call(s, parc, paris(2027, 3, 23, 12, 5), "missed")  # a closed Tuesday
        s.commit()
    catch_up(db, lambda: datetime(2027, 4, 6, 12, tzinfo=UTC))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(OfferedHalfHour)) > 0
        rules = CoverageRules.load(s, parc, first, last)
        assert rules.closures == ((first, last),)
        many = [
            SimpleNamespace(id=-n, holiday_country="FR", timezone="Europe/Paris")
            for n in range(1, 1201)
        ]
        clients: list[Any] = [parc, *many]
        active = select(Client.id).where(Client.active.is_(True))
        tallies = offered_tallies(
            s, clients, dict.fromkeys((c.id for c in clients), rules), active, first, last
        )
    assert tallies.get(parc.id, Tally()).counts == {}  # its closed days' calls left out


def test_the_advice_from_the_settled_roll_up_is_the_advice_from_the_calls(
    demo: str, db: Database
) -> None:
    """The roll-up holds the hours settled by 31 March 12:00 UTC (history: 22 March to 4
    April, Easter Monday left out in France); a closure of the second client, which
    follows another country's holidays, an after-hours call, a call past the settled
    hours, one added late to a settled hour (counted live), an inactive client's call."""
    with db.session() as s:
        parc, other = _two_clients(s)
        other.holiday_country = "US"  # no holiday in those two weeks
        gone = Client(slug="cabinet-ferme", name="Cabinet fermé", active=False)
        s.add(gone)
        s.flush()
        make_call(s, gone, paris(2027, 3, 23, 12, 5), "missed")
        s.add(Closure(client_id=other.id, starts_on=date(2027, 3, 25), ends_on=date(2027, 3, 26)))
        for day in (25, 26, 29):  # closed, closed, a plain Monday in the US
            make_call(s, other, paris(2027, 3, day, 12, 40), "missed")
        make_call(s, parc, paris(2027, 3, 29, 12, 10), "missed")  # Easter Monday: left out
        make_call(s, parc, paris(2027, 3, 24, 20, 15), "after-hours")
        taken(s, parc, paris(2027, 4, 1, 12, 50), talk=80)
        s.commit()
    catch_up(db, lambda: datetime(2027, 4, 1, 12, tzinfo=UTC))  # a week, then the rest
    with db.session() as s:
        taken(s, parc, paris(2027, 3, 23, 12, 20), talk=160)
        s.commit()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(OfferedHalfHour)) > 0
        from_the_roll_up = desk_week_advice(s, APRIL_5, weeks=2)
        first, last = date(2027, 3, 22), date(2027, 4, 4)
        learnt = {c.id: CoverageRules.load(s, c, first, last) for c in (parc, other)}
        active = select(Client.id).where(Client.active.is_(True))
        tallies = offered_tallies(s, [parc, other], learnt, active, first, last)
        assert set(tallies) == {parc.id, other.id}  # not the inactive client's
        s.execute(delete(RollupMark))  # no roll-up: every call counted live
        from_the_calls = desk_week_advice(s, APRIL_5, weeks=2)
        s.rollback()
    assert from_the_roll_up == from_the_calls and from_the_roll_up.clients == 2
    assert from_the_roll_up.expected[0][25] == 1 / 2  # Mondays 12:30: the second client's
    assert from_the_roll_up.expected[0][24] == 2 / 1  # the first's, Easter left out
    # Tuesday 12:00: the first client's calls of 23 March (2, the late one included) and
    # the second's 40 over two Tuesdays; the closed days' and Easter's calls left out.
    assert from_the_roll_up.expected[1][24] == 2 / 2 + 40 / 2
    assert from_the_roll_up.aht_seconds == (100 + 100 + 100 + 160 + 80) / 5

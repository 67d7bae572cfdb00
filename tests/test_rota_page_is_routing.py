"""Property: for random rotas with overrides and absences, the rota page's on-duty list at
every quarter hour is exactly who a call arriving then would ring (the `incoming` plan)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from desk.base.db import Database
from desk.base.wall_time import local_to_utc
from desk.calls.new_call import look_up, start_call
from desk.models import (
    Absence,
    Call,
    Client,
    CoverageWindow,
    DeskNumber,
    Override,
    Secretary,
    Shift,
    Training,
)
from desk.rota.week import week

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2026, 3, 23)  # the week of the spring change (Sunday 29 March)
DAYS = (1, 6)  # Tuesday, and the Sunday of the change
_serial = itertools.count()

quarter = st.integers(min_value=0, max_value=95).map(lambda q: time(q // 4, q % 4 * 15))
shift_st = st.tuples(
    st.integers(0, 3),  # secretary index
    st.sets(st.integers(0, 6), min_size=1),  # weekdays
    quarter,
    quarter,
    st.integers(1, 3),  # rank
)
period_st = st.tuples(st.integers(0, 6), quarter, st.integers(1, 24 * 4))  # day, start, quarters
override_st = st.tuples(
    st.integers(0, 3), st.integers(0, 3), period_st, st.booleans(), st.integers(0, 5)
)
absence_st = st.tuples(st.integers(0, 3), period_st)
rota_st = st.fixed_dictionaries(
    {
        "active": st.lists(st.booleans(), min_size=4, max_size=4),
        "overflow": st.lists(st.one_of(st.none(), st.integers(1, 3)), min_size=4, max_size=4),
        "window": st.tuples(quarter, quarter),
        "shifts": st.lists(shift_st, min_size=1, max_size=5),
        "overrides": st.lists(override_st, max_size=3),
        "absences": st.lists(absence_st, max_size=3),
    }
)


def _period(spec: tuple[int, time, int]) -> tuple[datetime, datetime]:
    day, start, quarters = spec
    at = local_to_utc(MONDAY + timedelta(days=day), start, PARIS)
    return at, at + timedelta(minutes=15 * quarters)


def _build(db: Database, spec: dict) -> tuple[int, str]:  # type: ignore[type-arg]
    n = next(_serial)
    number = f"+3319900{n:04d}"
    with db.session() as s:
        client = Client(slug=f"prop-{n}", name=f"Prop {n}", greeting="Bonjour.")
        s.add(client)
        s.flush()
        s.add(DeskNumber(client_id=client.id, number=number))
        start, end = spec["window"]
        if start != end:
            s.add(
                CoverageWindow(
                    client_id=client.id, weekdays="0123456", start_local=start, end_local=end
                )
            )
        people = []
        for i, (active, overflow) in enumerate(zip(spec["active"], spec["overflow"], strict=True)):
            person = Secretary(name=f"S{n}-{i}", phone=f"+336{n:04d}{i:04d}", active=active)
            s.add(person)
            s.flush()
            s.add(Training(secretary_id=person.id, client_id=client.id, overflow_rank=overflow))
            people.append(person.id)
        shifts = []
        for who, days, start, end, rank in spec["shifts"]:
            if start == end:
                continue
            shift = Shift(
                secretary_id=people[who],
                client_id=client.id,
                weekdays="".join(str(d) for d in sorted(days)),
                start_local=start,
                end_local=end,
                rank=rank,
            )
            s.add(shift)
            s.flush()
            shifts.append(shift)
        for original, by, period, whole, shift_pick in spec["overrides"]:
            starts_at, ends_at = _period(period)
            shift = shifts[shift_pick % len(shifts)] if shifts and not whole else None
            s.add(
                Override(
                    client_id=client.id if whole else None,
                    shift_id=shift.id if shift else None,
                    original_secretary_id=shift.secretary_id if shift else people[original],
                    replacement_secretary_id=people[by],
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
            )
        for who, period in spec["absences"]:
            starts_at, ends_at = _period(period)
            s.add(Absence(secretary_id=people[who], starts_at=starts_at, ends_at=ends_at))
        return client.id, number


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=rota_st)
def test_the_page_shows_at_every_quarter_hour_who_a_call_would_ring(
    db: Database,
    spec: dict,  # type: ignore[type-arg]
) -> None:
    client_id, number = _build(db, spec)
    with db.session() as s:
        client = s.get(Client, client_id)
        assert client is not None
        days = week(s, client, MONDAY)
        for offset in DAYS:
            day = days[offset]
            shown = [*day.duties, *day.overflow]
            at = local_to_utc(day.day, time(0), PARIS)
            end = local_to_utc(day.day + timedelta(days=1), time(0), PARIS)
            while at < end:
                page = sorted(d.secretary_id for d in shown if d.start <= at < d.end)
                sid = f"CAprop{client_id}x{at.timestamp():.0f}"
                arrival = look_up(
                    s, call_sid=sid, to=number, caller="+33612345678", forwarded_from=None, at=at
                )
                start_call(s, arrival)
                plan = s.scalar(select(Call.plan).where(Call.call_sid == sid)) or []
                rung = sorted(int(i) for step in plan for i in step)
                assert page == rung, (at.astimezone(PARIS), page, rung)
                at += timedelta(minutes=15)
        s.rollback()

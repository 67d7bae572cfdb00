from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.models import Appointment, BusyBlock, CalendarSource, Closure
from scheduling.availability import availability
from scheduling.booking import book
from tests.helpers.appointments import NOW, Practice, make_practice

MONDAY = datetime(2027, 3, 8, tzinfo=UTC)


def _slots(
    session: Session, practice: Practice, start: datetime, end: datetime, now: datetime = NOW
) -> list[datetime]:
    found = availability(session, **practice.ids, start=start, end=end, now=now)
    return [s.starts_at for s in found]


def test_slots_follow_the_opening_hours_in_local_time(session: Session) -> None:
    practice = make_practice(session)
    slots = _slots(session, practice, MONDAY, MONDAY + timedelta(days=1))
    # 09:00-12:00 and 14:00-18:00 Paris (UTC+1 in early March): 6 + 8 half-hours.
    assert len(slots) == 14
    assert slots[0] == datetime(2027, 3, 8, 8, 0, tzinfo=UTC)
    assert slots[-1] == datetime(2027, 3, 8, 16, 30, tzinfo=UTC)


def test_slots_on_the_spring_forward_sunday_2027_03_28(session: Session) -> None:
    practice = make_practice(
        session, hours=((time(1), time(4)), (time(9), time(10))), weekdays=(6,)
    )
    day = datetime(2027, 3, 27, 22, tzinfo=UTC)  # Sunday 00:00 Paris
    slots = _slots(session, practice, day, day + timedelta(hours=23))
    # 01:00-04:00 local lasts two hours that night (02:00 becomes 03:00): four slots.
    assert slots[:4] == [
        datetime(2027, 3, 28, 0, 0, tzinfo=UTC) + timedelta(minutes=30 * i) for i in range(4)
    ]
    assert slots[4:] == [
        datetime(2027, 3, 28, 7, 0, tzinfo=UTC),
        datetime(2027, 3, 28, 7, 30, tzinfo=UTC),
    ]


def test_slots_on_the_fall_back_sunday_2027_10_31(session: Session) -> None:
    practice = make_practice(
        session, hours=((time(1), time(4)), (time(9), time(10))), weekdays=(6,)
    )
    day = datetime(2027, 10, 30, 22, tzinfo=UTC)  # Sunday 00:00 Paris (summer time)
    slots = _slots(session, practice, day, day + timedelta(hours=25))
    # 01:00-04:00 local lasts four hours that night (03:00 becomes 02:00): eight slots.
    assert len(slots) == 8 + 2
    assert slots[0] == datetime(2027, 10, 30, 23, 0, tzinfo=UTC)
    assert slots[8] == datetime(2027, 10, 31, 8, 0, tzinfo=UTC)  # 09:00 winter time


def test_closures_holidays_busy_blocks_and_notice_remove_slots(session: Session) -> None:
    practice = make_practice(session)
    cid, pid = practice.client.id, practice.practitioner.id
    session.add(
        Closure(
            client_id=cid, practitioner_id=pid, starts_on=date(2027, 3, 9), ends_on=date(2027, 3, 9)
        )
    )
    source = CalendarSource(client_id=cid, url="file:///dev/null")
    session.add(source)
    session.flush()
    session.add(
        BusyBlock(
            source_id=source.id,
            client_id=cid,
            practitioner_id=None,
            starts_at=datetime(2027, 3, 10, 8, 15, tzinfo=UTC),
            ends_at=datetime(2027, 3, 10, 8, 45, tzinfo=UTC),
        )
    )
    session.commit()
    tuesday = _slots(session, practice, MONDAY + timedelta(days=1), MONDAY + timedelta(days=2))
    assert tuesday == []  # closed
    wednesday = _slots(session, practice, MONDAY + timedelta(days=2), MONDAY + timedelta(days=3))
    assert wednesday[:2] == [
        datetime(2027, 3, 10, 9, 0, tzinfo=UTC),
        datetime(2027, 3, 10, 9, 30, tzinfo=UTC),
    ]
    easter_monday = datetime(2027, 3, 29, tzinfo=UTC)
    assert _slots(session, practice, easter_monday, easter_monday + timedelta(days=1)) == []
    # Notice: 120 minutes from Monday 10:10 Paris -> first slot at 14:00 Paris.
    now = datetime(2027, 3, 8, 9, 10, tzinfo=UTC)
    assert _slots(session, practice, MONDAY, MONDAY + timedelta(days=1), now=now)[0] == datetime(
        2027, 3, 8, 13, 0, tzinfo=UTC
    )


appointments_st = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 18)), max_size=6
)  # (weekday, half-hour index from 08:00 UTC)
busy_st = st.lists(st.tuples(st.integers(0, 4 * 24 * 4), st.integers(1, 12)), max_size=4)
closed_st = st.lists(st.integers(0, 4), max_size=2)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(appointments_st, busy_st, closed_st, st.integers(0, 30), st.sampled_from([20, 30, 45]))
def test_no_slot_overlaps_anything_busy_and_every_slot_books(
    db: Database,
    appointments: list[tuple[int, int]],
    busy: list[tuple[int, int]],
    closed: list[int],
    buffer: int,
    duration: int,
) -> None:
    with db.session() as s:
        practice = make_practice(s, duration=duration, buffer=buffer)
        cid, pid = practice.client.id, practice.practitioner.id
        for weekday, index in appointments:
            start = MONDAY + timedelta(days=weekday, hours=8, minutes=30 * index)
            try:
                with s.begin_nested():
                    s.add(
                        Appointment(
                            uid=f"{cid}-{weekday}-{index}",
                            client_id=cid,
                            practitioner_id=pid,
                            type_id=practice.type.id,
                            starts_at=start,
                            ends_at=start + timedelta(minutes=duration),
                            blocked_until=start + timedelta(minutes=duration + buffer),
                            patient_name="X",
                            cancel_token=f"t-{cid}-{weekday}-{index}",
                        )
                    )
            except Exception:  # overlapping draws: PostgreSQL refuses the second one
                pass
        source = CalendarSource(client_id=cid, url="file:///dev/null")
        s.add(source)
        s.flush()
        for quarter, length in busy:
            start = MONDAY + timedelta(minutes=15 * quarter)
            s.add(
                BusyBlock(
                    source_id=source.id,
                    client_id=cid,
                    practitioner_id=pid,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=15 * length),
                )
            )
        for weekday in closed:
            day = date(2027, 3, 8) + timedelta(days=weekday)
            s.add(Closure(client_id=cid, starts_on=day, ends_on=day))
    now = MONDAY + timedelta(hours=9)  # Monday 10:00 Paris; notice runs to 12:00
    with db.session() as s:
        slots = availability(
            s, **practice.ids, start=MONDAY, end=MONDAY + timedelta(days=5), now=now
        )
        taken = [
            (a.starts_at, a.blocked_until) for a in s.query(Appointment).filter_by(client_id=cid)
        ]
        blocks = [(b.starts_at, b.ends_at) for b in s.query(BusyBlock).filter_by(client_id=cid)]
    closed_days = {date(2027, 3, 8) + timedelta(days=d) for d in closed}
    for slot in slots:
        blocked_end = slot.starts_at + timedelta(minutes=duration + buffer)
        assert slot.starts_at >= now + timedelta(minutes=120)
        assert slot.starts_at.date() not in closed_days
        assert all(not (slot.starts_at < e and s0 < blocked_end) for s0, e in taken + blocks)
    for slot in slots[::6] + slots[-1:]:  # a spread of them: booking all is slow
        with db.session() as s:
            appt = book(s, **practice.ids, starts_at=slot.starts_at, patient_name="P", now=now)
            s.delete(appt)  # keep the slots independent of one another

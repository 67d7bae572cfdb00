"""Who the demo client's calls ring, hour by hour, across DST changes and holidays."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from desk.models import Absence, Closure, Override, Secretary, Shift, Training
from desk.rota import coverage, gap_minutes, gaps, iso_week, responders, segments
from tests.helpers.routing import PARIS, demo_client, paris, secretary

LUNCH = ["Claire", "Sophie", "Inès"]
EVENING = ["Sophie", "Claire", "Inès"]


def names(session: Session, at_utc: datetime) -> list[list[str]]:
    client = demo_client(session)
    return [[r.name for r in step] for step in responders(session, client, at_utc)]


def flat(session: Session, at_utc: datetime) -> list[str] | None:
    """Who is rung in order, or None when the call goes to after-hours."""
    client = demo_client(session)
    if not coverage(session, client, at_utc).covered:
        return None
    return [n for step in names(session, at_utc) for n in step]


def expected(day: date, hour: int, minute: int) -> list[str] | None:
    t = time(hour, minute)
    if day.weekday() < 5 and time(12) <= t < time(14):
        return LUNCH
    if day.weekday() < 5 and time(18) <= t < time(19):
        return EVENING
    if day.weekday() == 5 and time(8) <= t < time(12):
        return EVENING
    return None


SAMPLES = [
    (7, 59),
    (8, 0),
    (11, 59),
    (12, 0),
    (12, 30),
    (13, 59),
    (14, 0),
    (18, 0),
    (18, 59),
    (19, 0),
]


def test_a_week_across_the_spring_change_rings_by_wall_time(demo: str, session: Session) -> None:
    # 2027-W12 ends with the spring-forward Sunday (28 March); W13 opens on Easter Monday.
    for offset in range(14):
        day = date(2027, 3, 22) + timedelta(days=offset)
        for hour, minute in SAMPLES:
            want = None if day == date(2027, 3, 29) else expected(day, hour, minute)
            got = flat(session, paris(day.year, day.month, day.day, hour, minute))
            assert got == want, (day, hour, minute)


def test_a_week_across_the_autumn_change_rings_by_wall_time(demo: str, session: Session) -> None:
    # 31 October 2027 falls back; 1 November (Toussaint) is a public holiday.
    for offset in range(10):
        day = date(2027, 10, 25) + timedelta(days=offset)
        for hour, minute in SAMPLES:
            want = None if day == date(2027, 11, 1) else expected(day, hour, minute)
            got = flat(session, paris(day.year, day.month, day.day, hour, minute))
            assert got == want, (day, hour, minute)


def test_noon_is_noon_in_paris_whatever_the_utc_offset(demo: str, session: Session) -> None:
    before, after = paris(2027, 3, 26, 12), paris(2027, 3, 30, 12)
    assert (before.hour, after.hour) == (11, 10)
    assert flat(session, before) == flat(session, after) == LUNCH
    assert flat(session, before - timedelta(minutes=1)) is None
    assert flat(session, after - timedelta(minutes=1)) is None


def test_easter_monday_is_after_hours_unless_the_client_covers_holidays(
    demo: str, session: Session
) -> None:
    client = demo_client(session)
    lunch = paris(2027, 3, 29, 12, 30)
    result = coverage(session, client, lunch)
    assert (result.covered, result.reason) == (False, "holiday-closed")
    assert result.holiday is not None
    client.holiday_policy = "covered"
    session.flush()
    assert coverage(session, client, paris(2027, 3, 29, 3)).covered
    assert flat(session, lunch) == LUNCH
    # Covered all day, but only the partner takes calls outside the rota's hours.
    assert flat(session, paris(2027, 3, 29, 10)) == ["Inès"]


def test_a_closure_of_the_practice_is_after_hours(demo: str, session: Session) -> None:
    client = demo_client(session)
    session.add(Closure(client_id=client.id, starts_on=date(2027, 8, 2), ends_on=date(2027, 8, 20)))
    session.flush()
    result = coverage(session, client, paris(2027, 8, 10, 12, 30))
    assert (result.covered, result.reason) == (False, "closure")
    assert flat(session, paris(2027, 8, 23, 12, 30)) == LUNCH


def test_the_pair_rings_together_when_the_client_asks(demo: str, session: Session) -> None:
    demo_client(session).ring_pair_together = True
    session.flush()
    assert names(session, paris(2027, 3, 30, 12, 30)) == [["Claire", "Sophie"], ["Inès"]]


def test_the_pair_rings_together_when_the_shift_asks(demo: str, session: Session) -> None:
    sophie = secretary(session, "Sophie")
    for shift in session.query(Shift).filter_by(secretary_id=sophie.id, rank=1):
        shift.ring_together = True
    session.flush()
    assert names(session, paris(2027, 3, 30, 18, 30)) == [["Sophie", "Claire"], ["Inès"]]
    assert names(session, paris(2027, 3, 30, 12, 30)) == [["Claire"], ["Sophie"], ["Inès"]]


def test_an_override_hands_claires_lunch_to_someone_else(demo: str, session: Session) -> None:
    claire = secretary(session, "Claire")
    nadia = Secretary(name="Nadia", phone="+33612000004")
    session.add(nadia)
    session.flush()
    session.add(
        Override(
            original_secretary_id=claire.id,
            replacement_secretary_id=nadia.id,
            starts_at=paris(2027, 3, 30, 0),
            ends_at=paris(2027, 4, 1, 0),
        )
    )
    session.flush()
    assert flat(session, paris(2027, 3, 30, 12, 30)) == ["Nadia", "Sophie", "Inès"]
    # Claire still backs up the evening pair: the override took all her duty.
    assert flat(session, paris(2027, 3, 31, 18, 30)) == ["Sophie", "Nadia", "Inès"]
    assert flat(session, paris(2027, 4, 1, 12, 30)) == LUNCH


def test_an_override_of_one_shift_leaves_her_other_shifts(demo: str, session: Session) -> None:
    claire = secretary(session, "Claire")
    sophie = secretary(session, "Sophie")
    lunch = session.query(Shift).filter_by(secretary_id=claire.id, rank=1).one()
    session.add(
        Override(
            shift_id=lunch.id,
            original_secretary_id=claire.id,
            replacement_secretary_id=sophie.id,
            starts_at=paris(2027, 3, 30, 0),
            ends_at=paris(2027, 3, 31, 0),
        )
    )
    session.flush()
    # Sophie holds both lunch duties now: she is rung once, then the partner.
    assert flat(session, paris(2027, 3, 30, 12, 30)) == ["Sophie", "Inès"]
    assert flat(session, paris(2027, 3, 30, 18, 30)) == EVENING


def test_an_absent_secretary_is_not_rung(demo: str, session: Session) -> None:
    claire = secretary(session, "Claire")
    session.add(
        Absence(
            secretary_id=claire.id,
            starts_at=paris(2027, 3, 30, 13),
            ends_at=paris(2027, 4, 2, 0),
            kind="sickness",
        )
    )
    session.flush()
    assert flat(session, paris(2027, 3, 30, 12, 30)) == LUNCH
    assert flat(session, paris(2027, 3, 30, 13, 30)) == ["Sophie", "Inès"]
    assert flat(session, paris(2027, 3, 31, 18, 30)) == ["Sophie", "Inès"]


def test_partners_follow_the_pair_by_overflow_rank(demo: str, session: Session) -> None:
    client = demo_client(session)
    yasmine = Secretary(name="Yasmine", phone="+33612000005", is_partner=True)
    lea = Secretary(name="Léa", phone="+33612000006", is_partner=True)
    untrained = Secretary(name="Zoé", phone="+33612000007", is_partner=True)
    session.add_all([yasmine, lea, untrained])
    session.flush()
    ines = secretary(session, "Inès")
    session.query(Training).filter_by(secretary_id=ines.id).one().overflow_rank = 3
    session.add_all(
        [
            Training(secretary_id=yasmine.id, client_id=client.id, overflow_rank=2),
            Training(secretary_id=lea.id, client_id=client.id, overflow_rank=1),
            Training(secretary_id=untrained.id, client_id=client.id, overflow_rank=None),
        ]
    )
    session.flush()
    assert flat(session, paris(2027, 3, 30, 12, 30)) == [*LUNCH[:2], "Léa", "Yasmine", "Inès"]


def test_a_shift_for_every_trained_client_and_an_rrule_shift(demo: str, session: Session) -> None:
    nadia = Secretary(name="Nadia", phone="+33612000004")
    session.add(nadia)
    session.flush()
    client = demo_client(session)
    session.add(Training(secretary_id=nadia.id, client_id=client.id))
    # Every other Tuesday from 30 March 2027, 12:00-13:00, for all her clients.
    session.add(
        Shift(
            secretary_id=nadia.id,
            client_id=None,
            rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
            start_local=time(12),
            end_local=time(13),
            rank=3,
            valid_from=date(2027, 3, 30),
        )
    )
    session.flush()
    assert flat(session, paris(2027, 3, 30, 12, 30)) == ["Claire", "Sophie", "Nadia", "Inès"]
    assert flat(session, paris(2027, 4, 6, 12, 30)) == LUNCH
    assert flat(session, paris(2027, 4, 13, 12, 30)) == ["Claire", "Sophie", "Nadia", "Inès"]


def test_gaps_are_covered_minutes_with_nobody_on_duty(demo: str, session: Session) -> None:
    client = demo_client(session)
    start, end = iso_week("2027-W14", PARIS)
    assert gap_minutes(session, client, start, end) == 0
    for name in ("Claire", "Sophie"):
        session.add(
            Absence(
                secretary_id=secretary(session, name).id,
                starts_at=paris(2027, 4, 6, 13, 30),
                ends_at=paris(2027, 4, 6, 18, 15),
            )
        )
    session.flush()
    found = gaps(session, client, start, end)
    assert [(g.start, g.end) for g in found] == [
        (paris(2027, 4, 6, 13, 30), paris(2027, 4, 6, 14)),
        (paris(2027, 4, 6, 18), paris(2027, 4, 6, 18, 15)),
    ]
    assert gap_minutes(session, client, start, end) == 45
    week = segments(session, client, start, end)
    assert sum(s.minutes for s in week) == 5 * 180 + 240


def test_an_iso_week_spans_monday_to_monday_local_time() -> None:
    start, end = iso_week("2027-W13", PARIS)
    assert (start, end) == (paris(2027, 3, 29, 0), paris(2027, 4, 5, 0))

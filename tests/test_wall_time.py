from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from desk.base.wall_time import WeeklyRule, occurrence_at, occurrences, parse_weekdays

PARIS = ZoneInfo("Europe/Paris")
LUNCH = WeeklyRule(parse_weekdays("01234"), time(12), time(14))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_noon_stays_noon_across_spring_change() -> None:
    # Friday 26 March 2027 is winter time (UTC+1), Monday 29 March summer time (UTC+2).
    got = list(occurrences(LUNCH, PARIS, utc(2027, 3, 26), utc(2027, 3, 30)))
    assert got == [
        (utc(2027, 3, 26, 11), utc(2027, 3, 26, 13)),
        (utc(2027, 3, 29, 10), utc(2027, 3, 29, 12)),
    ]


def test_noon_stays_noon_across_autumn_change() -> None:
    got = list(occurrences(LUNCH, PARIS, utc(2027, 10, 29), utc(2027, 11, 2)))
    assert got == [
        (utc(2027, 10, 29, 10), utc(2027, 10, 29, 12)),
        (utc(2027, 11, 1, 11), utc(2027, 11, 1, 13)),
    ]


def test_a_night_rule_over_the_spring_gap_is_one_hour_shorter() -> None:
    night = WeeklyRule(frozenset({6}), time(1), time(4))  # Sunday 01:00-04:00
    ((start, end),) = occurrences(night, PARIS, utc(2027, 3, 27), utc(2027, 3, 29))
    assert end - start == (utc(2027, 3, 28, 2) - utc(2027, 3, 28, 0))


def test_validity_bounds_are_inclusive() -> None:
    rule = WeeklyRule(parse_weekdays("0"), time(9), time(10), date(2027, 3, 8), date(2027, 3, 15))
    days = [s.date() for s, _ in occurrences(rule, PARIS, utc(2027, 3, 1), utc(2027, 3, 30))]
    assert days == [date(2027, 3, 8), date(2027, 3, 15)]


def test_occurrence_at_is_half_open() -> None:
    assert occurrence_at(LUNCH, PARIS, utc(2027, 3, 29, 10)) is not None
    assert occurrence_at(LUNCH, PARIS, utc(2027, 3, 29, 12)) is None
    assert occurrence_at(LUNCH, PARIS, utc(2027, 3, 27, 10, 30)) is None  # Saturday

"""Weekly wall-time rules across both daylight-saving changes of several years, checked
against a brute force that reads local wall clocks minute by minute instead of
converting rules to UTC (Paris: last Sundays of March and October; New York: second
Sunday of March, first of November)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from desk.base.wall_time import WeeklyRule, occurrence_at, occurrences

ZONES = ("Europe/Paris", "America/New_York")
# A quarter-hour grid: it hits 02:00-03:00, the hour that is skipped or lived twice.
TIMES = st.integers(0, 24 * 4 - 1).map(lambda q: time(q // 4, q % 4 * 15))
# Days around the changes (March, October, November) of 2024 to 2031.
DAYS = st.builds(date, st.integers(2024, 2031), st.sampled_from([3, 10, 11]), st.integers(1, 28))


@st.composite
def rules(draw: st.DrawFn) -> WeeklyRule:
    start = draw(TIMES)
    end = draw(TIMES.filter(lambda t: t != start))
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    return WeeklyRule(weekdays, start, end)


def _wall_exists(day: date, at: time, tz: ZoneInfo) -> bool:
    """False in the spring-forward gap (02:30 on the change day in Paris)."""
    naive = datetime.combine(day, at)
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


def _is_ambiguous(instant: datetime, tz: ZoneInfo) -> bool:
    """True in the autumn fold: the wall time is lived twice."""
    wall = instant.astimezone(tz).replace(tzinfo=None)
    return (
        wall.replace(tzinfo=tz, fold=0).utcoffset() != wall.replace(tzinfo=tz, fold=1).utcoffset()
    )


def _covered_by_wall_clock(rule: WeeklyRule, tz: ZoneInfo, instant: datetime) -> bool:
    """Reads the local wall clock: covered when its day and time fall in the rule."""
    wall = instant.astimezone(tz).replace(tzinfo=None)
    today, now = wall.date(), wall.time()
    if rule.end > rule.start:
        return rule.applies_on(today) and rule.start <= now < rule.end
    # Past midnight: the evening part belongs to today, the morning part to yesterday.
    return (rule.applies_on(today) and now >= rule.start) or (
        rule.applies_on(today - timedelta(days=1)) and now < rule.end
    )


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _near_a_change(instant: datetime, tz: ZoneInfo, margin: timedelta) -> bool:
    return instant.astimezone(tz).utcoffset() != (instant - margin).astimezone(tz).utcoffset() or (
        instant.astimezone(tz).utcoffset() != (instant + margin).astimezone(tz).utcoffset()
    )


@settings(max_examples=300, deadline=None)
@given(rule=rules(), zone=st.sampled_from(ZONES), first=DAYS, days=st.integers(1, 10))
@example(  # the Paris spring gap: 02:30 does not exist on 30 March 2025
    rule=WeeklyRule(frozenset({6}), time(2, 30), time(3, 30)),
    zone="Europe/Paris",
    first=date(2025, 3, 29),
    days=3,
)
@example(  # the Paris autumn fold: 02:30 happens twice on 26 October 2025
    rule=WeeklyRule(frozenset({5}), time(22), time(2, 30)),
    zone="Europe/Paris",
    first=date(2025, 10, 24),
    days=4,
)
def test_occurrences_keep_their_wall_time_and_weekday(
    rule: WeeklyRule, zone: str, first: date, days: int
) -> None:
    tz = ZoneInfo(zone)
    start = datetime.combine(first, time(0), tz).astimezone(UTC)
    end = start + timedelta(days=days)
    found = list(occurrences(rule, tz, start, end))
    assert found == sorted(found)
    for s, e in found:
        assert s.tzinfo is not None and s < e and s < end and e > start
        local = s.astimezone(tz)
        assert local.weekday() in rule.weekdays
        if _wall_exists(local.date(), rule.start, tz):
            assert local.time() == rule.start  # 12:00 stays 12:00 whatever the season
        else:
            assert local.time() > rule.start  # read after the gap, never before
        wall_hours = (_minutes(rule.end) - _minutes(rule.start)) % (24 * 60) / 60
        # A change inside an occurrence moves its UTC length by one hour at most.
        assert abs((e - s).total_seconds() / 3600 - wall_hours) <= 1
        if s.astimezone(tz).utcoffset() == e.astimezone(tz).utcoffset():
            assert (e - s).total_seconds() / 3600 == wall_hours or not _wall_exists(
                local.date(), rule.start, tz
            )
    for (_, e1), (s2, _) in pairwise(found):
        # Consecutive days never overlap unless an occurrence is ~24 h long and lives a fold.
        assert e1 <= s2 + timedelta(hours=1)


@settings(max_examples=200, deadline=None)
@given(
    rule=rules(),
    zone=st.sampled_from(ZONES),
    first=DAYS,
    minutes=st.lists(st.integers(0, 3 * 24 * 60 - 1), min_size=1, max_size=30),
)
def test_an_instant_is_covered_exactly_when_the_wall_clock_says_so(
    rule: WeeklyRule, zone: str, first: date, minutes: list[int]
) -> None:
    tz = ZoneInfo(zone)
    start = datetime.combine(first, time(0), tz).astimezone(UTC)
    for m in minutes:
        instant = start + timedelta(minutes=m)
        if _is_ambiguous(instant, tz) or _near_a_change(instant, tz, timedelta(hours=1)):
            continue  # the wall clock alone cannot tell which 02:30 it is
        found = occurrence_at(rule, tz, instant)
        assert (found is not None) == _covered_by_wall_clock(rule, tz, instant), instant
        if found is not None:
            assert found[0] <= instant < found[1]


@settings(max_examples=100, deadline=None)
@given(zone=st.sampled_from(ZONES), year=st.integers(2024, 2031), noon=st.booleans())
def test_a_daily_rule_fires_once_a_day_through_both_changes_of_a_year(
    zone: str, year: int, noon: bool
) -> None:
    tz = ZoneInfo(zone)
    # 02:30 falls in the gap once a year; the rule still lives from the gap's end to 04:00.
    at, until = (time(12), time(13)) if noon else (time(2, 30), time(4))
    rule = WeeklyRule(frozenset(range(7)), at, until)
    start = datetime(year, 1, 1, tzinfo=tz).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=tz).astimezone(UTC)
    found = list(occurrences(rule, tz, start, end))
    assert len(found) == (date(year + 1, 1, 1) - date(year, 1, 1)).days
    offsets = {s.astimezone(tz).utcoffset() for s, _ in found}
    assert len(offsets) == 2  # summer and winter time, both met
    assert sum(1 for s, _ in found if s.astimezone(tz).time() != at) == (0 if noon else 1)


def test_an_occurrence_the_spring_gap_swallows_whole_is_skipped_not_empty() -> None:
    # 02:30 does not exist on 30 March 2025: read after the gap it is 03:30, the rule's
    # own end, so that Sunday's occurrence lasts nothing and is left out.
    tz = ZoneInfo("Europe/Paris")
    rule = WeeklyRule(frozenset({6}), time(2, 30), time(3, 30))
    start = datetime(2025, 3, 29, tzinfo=UTC)
    found = list(occurrences(rule, tz, start, start + timedelta(days=9)))
    assert [s.astimezone(tz).date() for s, _ in found] == [date(2025, 4, 6)]

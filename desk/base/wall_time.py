"""Weekly rules in local wall time (coverage, shifts, opening hours) expanded to UTC.

A rule says "Monday to Friday, 12:00 to 14:00, Europe/Paris"; expanded with `zoneinfo`
it stays 12:00 local across daylight-saving changes, so its UTC instants move.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# French names, for words written to patients and on invoices (Monday = 0).
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def week_to_open(today: date) -> date:
    """The Monday of the week a planning page (booking, agenda, rota, staffing) opens on:
    this week's, but on a Sunday the coming one: the week just ended has nothing left to
    book or staff."""
    if today.weekday() == 6:
        return today + timedelta(days=1)
    return today - timedelta(days=today.weekday())


def parse_weekdays(digits: str | None) -> frozenset[int]:
    """ "01234" -> {0, 1, 2, 3, 4} (Monday = 0)."""
    return frozenset(int(c) for c in (digits or "") if c.isdigit() and int(c) < 7)


def format_weekdays(days: Iterable[int]) -> str:
    return "".join(str(d) for d in sorted(set(days)))


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall time `at` on `day`.

    In the spring-forward gap (02:30 on the last Sunday of March in Paris does not
    exist) the wall time is read with the offset before the change, which lands after
    the gap; in the autumn fold (02:30 happens twice) the first occurrence is taken.
    """
    return datetime.combine(day, at).replace(tzinfo=tz, fold=0).astimezone(UTC)


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


@dataclass(frozen=True)
class WeeklyRule:
    weekdays: frozenset[int]
    start: time
    end: time  # end <= start means the rule runs past midnight into the next day
    valid_from: date | None = None
    valid_until: date | None = None  # inclusive

    def applies_on(self, day: date) -> bool:
        if day.weekday() not in self.weekdays:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_until is not None and day > self.valid_until)

    def interval_on(self, day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The UTC interval of the occurrence that starts on local `day`."""
        start = local_to_utc(day, self.start, tz)
        end_day = day if self.end > self.start else day + timedelta(days=1)
        return start, local_to_utc(end_day, self.end, tz)


def occurrences(
    rule: WeeklyRule, tz: ZoneInfo, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """UTC intervals of `rule` that overlap [start, end), in order."""
    first = local_date(start, tz)
    if rule.end <= rule.start:  # past midnight: the day before's occurrence may reach in
        first -= timedelta(days=1)
    last = local_date(end, tz)
    day = first
    while day <= last:
        if rule.applies_on(day):
            # The end only when the start is early enough: each conversion costs.
            s = local_to_utc(day, rule.start, tz)
            if s < end:
                end_day = day if rule.end > rule.start else day + timedelta(days=1)
                e = local_to_utc(end_day, rule.end, tz)
                # s == e when the whole occurrence falls in a spring-forward gap (02:30 to
                # 03:30 on the day 02:00 jumps to 03:00): it never happens, skip it.
                if e > start and e > s:
                    yield s, e
        day += timedelta(days=1)


def occurrence_at(rule: WeeklyRule, tz: ZoneInfo, at: datetime) -> tuple[datetime, datetime] | None:
    """The occurrence of `rule` containing instant `at`, if any."""
    for s, e in occurrences(rule, tz, at, at + timedelta(microseconds=1)):
        if s <= at < e:
            return s, e
    return None


def local_days(first: date, last: date) -> Iterator[date]:
    """The days from `first` to `last`, both included."""
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)

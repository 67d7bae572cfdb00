"""Calls expected per weekday and half hour, and the secretaries they need (the queue model).

The method (docs/activity.md, "Forecast and staffing"): the offered calls of the last
`weeks` whole weeks before the week planned, per local weekday and half hour, divided by
the number of such weekdays kept; a day that was a public holiday or a client closure is
left out (its calls and the day itself). Handling time is the mean talk time of the calls
answered in those weeks. Each covered half hour of the planned week then gets the queue
model's answer for its expected calls (`desk.reports.queue_staffing`: the client's maximum
wait, then voicemail, and the callers' patience once enough of them hung up to measure
it), at least one secretary, compared with the rota's.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.base.wall_time import local_days
from desk.models import Client
from desk.models.states import WaitingState
from desk.reports.facts import CallFact, Outcome, Period, Scope, load_facts
from desk.reports.queue_staffing import Setup, needed
from desk.rota import CoverageRules, Rota

SLOTS = 48  # half hours in a day
DEFAULT_AHT = 180.0  # seconds, when no answered call gives a measure
HISTORY_WEEKS = 8
# Patience is estimated once this many callers hung up: total time waited (answered
# calls' time to a human, the queue included; abandoned calls' time before hanging up;
# the time held of those who left the queue for a message or a callback) / hang-ups
# (exponential MLE, those who did not hang up counted as censored).
MIN_ABANDONED = 5


class Verdict(enum.StrEnum):
    UNDER = "under"
    OK = "ok"
    OVER = "over"


@dataclass(frozen=True)
class Forecast:
    expected: list[list[float]]  # [weekday][half hour] calls expected
    aht_seconds: float
    aht_measured: bool
    days_kept: list[int]  # per weekday, how many past days were averaged
    first: date
    last: date
    patience_seconds: float | None = None  # measured from abandoned calls (Erlang A)


@dataclass(frozen=True)
class HalfHour:
    day: date
    slot: int  # 0..47
    expected: float
    needed: int
    on_duty: int
    service_level: float

    @property
    def label(self) -> str:
        return f"{self.slot // 2:02d}:{30 * (self.slot % 2):02d}"

    @property
    def verdict(self) -> Verdict:
        if self.on_duty < self.needed:
            return Verdict.UNDER
        return Verdict.OVER if self.on_duty > self.needed else Verdict.OK


@dataclass(frozen=True)
class Window:
    """A weekly window of a what-if client: weekdays (Monday = 0), local start and end."""

    weekdays: frozenset[int]
    start: time
    end: time

    def slots(self) -> list[tuple[int, int]]:
        first = self.start.hour * 2 + self.start.minute // 30
        last = self.end.hour * 2 + (self.end.minute + 29) // 30
        return [(d, s) for d in sorted(self.weekdays) for s in range(first, last)]


def slot_of(at: datetime, tz: ZoneInfo) -> tuple[int, int]:
    local = at.astimezone(tz)
    return local.weekday(), local.hour * 2 + local.minute // 30


def history(monday: date, weeks: int = HISTORY_WEEKS) -> tuple[date, date]:
    """The local days a forecast for the week of `monday` learns from."""
    return monday - timedelta(weeks=weeks), monday - timedelta(days=1)


def forecast(
    session: Session, client: Client, monday: date, weeks: int = HISTORY_WEEKS
) -> Forecast:
    tz = ZoneInfo(client.timezone)
    first, last = history(monday, weeks)
    rules = CoverageRules.load(session, client, first, last)
    facts = load_facts(session, Scope((client.id,)), Period(first, last, tz))
    return forecast_of(client, rules, facts, monday, weeks)


def forecast_of(
    client: Client,
    rules: CoverageRules,
    facts: Iterable[CallFact],
    monday: date,
    weeks: int = HISTORY_WEEKS,
) -> Forecast:
    """`forecast` from the client's rules and calls over `history(monday, weeks)`, loaded."""
    tz = ZoneInfo(client.timezone)
    first, last = history(monday, weeks)
    left_out = days_left_out(rules, first, last)
    days_kept = days_kept_of(first, last, left_out)
    found = tally(facts, tz, left_out)
    counts = [[0] * SLOTS for _ in range(7)]
    for (weekday, slot), n in found.counts.items():
        counts[weekday][slot] = n
    expected = [[c / days_kept[w] if days_kept[w] else 0.0 for c in counts[w]] for w in range(7)]
    aht = found.sums.aht
    return Forecast(
        expected,
        DEFAULT_AHT if aht is None else aht,
        aht is not None,
        days_kept,
        first,
        last,
        patience_of(found.sums.waited, found.sums.gave_up),
    )


def patience_of(waited: float, gave_up: int) -> float | None:
    """The callers' patience (time waited over hang-ups), once enough hung up."""
    return waited / gave_up if gave_up >= MIN_ABANDONED and waited > 0 else None


@dataclass
class Sums:
    """What a forecast adds up of calls besides their count per half hour: talk times
    (their sum and how many), time waited, hang-ups (`MIN_ABANDONED`)."""

    offered: int = 0
    talk_sum: float = 0.0
    talks: int = 0
    waited: float = 0.0
    gave_up: int = 0

    def add(self, f: Counted) -> None:
        self.offered += 1
        if f.talk_seconds is not None:
            self.talk_sum += f.talk_seconds
            self.talks += 1
        self.waited += f.human_seconds or 0.0
        if f.gave_up_seconds is not None:
            self.waited += f.gave_up_seconds
            self.gave_up += 1
        elif f.queue_state in (WaitingState.MESSAGE, WaitingState.CALLBACK):
            self.waited += f.queue_seconds or 0.0  # left the queue without hanging up

    def merge(self, other: Sums) -> None:
        self.offered += other.offered
        self.talk_sum += other.talk_sum
        self.talks += other.talks
        self.waited += other.waited
        self.gave_up += other.gave_up

    @property
    def aht(self) -> float | None:
        """The mean talk time, None when no answered call measured one."""
        return self.talk_sum / self.talks if self.talks else None


@dataclass
class Tally:
    """What a forecast counts in a client's history: offered calls per (weekday, half
    hour) with at least one (the others are nought), and their `Sums`."""

    counts: dict[tuple[int, int], int] = field(default_factory=dict)
    sums: Sums = field(default_factory=Sums)

    def merge(self, other: Tally) -> None:
        for key, n in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + n
        self.sums.merge(other.sums)


def days_left_out(rules: CoverageRules, first: date, last: date) -> frozenset[date]:
    """The local days of [first, last] a forecast leaves out: closures and holidays."""
    return frozenset(day for day in local_days(first, last) if rules.day_state(day)[0] is not None)


def days_kept_of(first: date, last: date, left_out: frozenset[date]) -> list[int]:
    """Per weekday (Monday = 0), how many days of [first, last] are averaged."""
    days_kept = [0] * 7
    for day in local_days(first, last):
        if day not in left_out:
            days_kept[day.weekday()] += 1
    return days_kept


class Counted(Protocol):
    """What `tally` reads of a call (a `CallFact`, or an `Offered` without patience)."""

    @property
    def started_at(self) -> datetime: ...
    @property
    def outcome(self) -> Outcome: ...
    @property
    def talk_seconds(self) -> float | None: ...
    @property
    def human_seconds(self) -> float | None: ...
    @property
    def gave_up_seconds(self) -> float | None: ...
    @property
    def queue_state(self) -> WaitingState | None: ...
    @property
    def queue_seconds(self) -> float | None: ...


def tally(facts: Iterable[Counted], tz: ZoneInfo, left_out: frozenset[date]) -> Tally:
    """Count the facts a forecast learns from (after-hours calls and left-out days not)."""
    found = Tally()
    counts = found.counts
    for f in facts:
        local = f.started_at.astimezone(tz)
        if f.outcome == Outcome.AFTER_HOURS or local.date() in left_out:
            continue
        key = slot_of(local, tz)  # no second conversion: already in tz
        counts[key] = counts.get(key, 0) + 1
        found.sums.add(f)
    return found


def add_client(fc: Forecast, calls_per_week: float, windows: list[Window]) -> Forecast:
    """What if a client bringing `calls_per_week`, spread evenly over `windows`, joined?"""
    slots = sorted({s for w in windows for s in w.slots()})
    if not slots or calls_per_week <= 0:
        return fc
    each = calls_per_week / len(slots)
    expected = [row[:] for row in fc.expected]
    for weekday, slot in slots:
        expected[weekday][slot] += each
    return replace(fc, expected=expected)


def advice(
    session: Session,
    client: Client,
    monday: date,
    fc: Forecast,
    target: float = 0.8,
    within: float = 20,
) -> list[HalfHour]:
    """Each covered half hour of the week starting `monday`: needed against on duty."""
    setup = setup_of(client, fc)
    tz = ZoneInfo(client.timezone)
    start = datetime.combine(monday, time(), tz)
    end = datetime.combine(monday + timedelta(days=7), time(), tz)
    rules = CoverageRules.load(session, client, monday, monday + timedelta(days=6))
    covered = rules.intervals(start, end)
    rota = Rota(session, client, start, end)
    found = []
    for i in range(7):
        day = monday + timedelta(days=i)
        for slot in range(SLOTS):
            at = datetime.combine(day, time(slot // 2, 30 * (slot % 2)), tz) + timedelta(minutes=15)
            if not any(s <= at < e for s, e in covered):
                continue
            expected = fc.expected[day.weekday()][slot]
            answer = needed(2 * expected, fc.aht_seconds, setup, target, within)
            found.append(
                HalfHour(
                    day=day,
                    slot=slot,
                    expected=round(expected, 2),
                    needed=max(1, answer.agents),
                    on_duty=len(rota.on_duty(at)),
                    service_level=round(answer.prediction.service_level, 4),
                )
            )
    return found


def setup_of(client: Client, fc: Forecast) -> Setup:
    """The client's maximum wait (0: no queue) and the patience measured."""
    return Setup(fc.patience_seconds, float(client.queue_max_wait_seconds))


@dataclass(frozen=True)
class WeekAdvice:
    forecast: Forecast
    half_hours: list[HalfHour]
    what_if_calls: float
    setup: Setup  # the model the advice used

    @property
    def under(self) -> list[HalfHour]:
        return [h for h in self.half_hours if h.verdict == Verdict.UNDER]

    @property
    def over(self) -> list[HalfHour]:
        return [h for h in self.half_hours if h.verdict == Verdict.OVER]


def week_advice(
    session: Session,
    client: Client,
    monday: date,
    what_if_calls: float = 0.0,
    what_if_windows: tuple[Window, ...] = (),
) -> WeekAdvice:
    """The staffing advice for a week of the rota, optionally with a what-if client."""
    if what_if_calls < 0:
        raise DomainError("what_if_calls", "calls")
    for window in what_if_windows:
        if window.end <= window.start or not window.weekdays:
            raise DomainError("what_if_window", "window")
    fc = forecast(session, client, monday)
    if what_if_calls:
        fc = add_client(fc, what_if_calls, list(what_if_windows))
    found = advice(session, client, monday, fc)
    return WeekAdvice(fc, found, what_if_calls, setup_of(client, fc))

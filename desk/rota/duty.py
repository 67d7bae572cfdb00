"""Who is on duty for a client, and the order in which to ring them.

Shifts recur in local wall time (weekday digits, or an RFC 5545 RRULE expanded in local
time); overrides hand a shift to someone else for a UTC period; absences remove a
secretary; partners who take the client's overflow come last.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from desk.base.db import connection_of
from desk.base.wall_time import WeeklyRule, local_date, occurrences, parse_weekdays
from desk.rota.load import ABSENCE, OVERRIDE, PARTNER, SHIFT, rota_rows

Interval = tuple[datetime, datetime]

# An RRULE shift without valid_from counts its INTERVAL from this Monday.
RRULE_EPOCH = date(2024, 1, 1)
# Twilio rings at most ten numbers in one <Dial>.
MAX_NUMBERS_PER_DIAL = 10


@dataclass(frozen=True)
class Responder:
    secretary_id: int
    name: str
    phone: str
    rank: int  # shift rank; partners get 100 + overflow rank
    partner: bool = False


Step = tuple[Responder, ...]


class RotaClient(Protocol):
    """What the rota reads of a client: a `Client`, or a row with these columns."""

    id: int
    timezone: str
    ring_pair_together: bool


class ShiftRule(Protocol):
    @property
    def weekdays(self) -> str | None: ...
    @property
    def rrule(self) -> str | None: ...
    @property
    def start_local(self) -> time: ...
    @property
    def end_local(self) -> time: ...
    @property
    def valid_from(self) -> date | None: ...
    @property
    def valid_until(self) -> date | None: ...


class _Person(NamedTuple):
    name: str
    phone: str
    active: bool


class _Override(NamedTuple):
    shift_id: int | None
    original_secretary_id: int
    replacement_secretary_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class _Duty:
    shift_id: int
    secretary_id: int
    rank: int
    ring_together: bool
    intervals: tuple[Interval, ...]


def shift_occurrences(
    shift: ShiftRule, tz: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """UTC intervals of `shift` overlapping [start, end)."""
    if not shift.rrule:
        rule = WeeklyRule(
            parse_weekdays(shift.weekdays),
            shift.start_local,
            shift.end_local,
            shift.valid_from,
            shift.valid_until,
        )
        return list(occurrences(rule, tz, start, end))
    anchor = shift.valid_from or RRULE_EPOCH
    recurrence = rrulestr(shift.rrule, dtstart=datetime.combine(anchor, shift.start_local))
    first = datetime.combine(local_date(start, tz) - timedelta(days=1), datetime.min.time())
    last = datetime.combine(local_date(end, tz) + timedelta(days=1), datetime.min.time())
    every_day = WeeklyRule(frozenset(range(7)), shift.start_local, shift.end_local)
    found = []
    for local_start in recurrence.between(first, last, inc=True):
        day = local_start.date()
        if shift.valid_until is not None and day > shift.valid_until:
            continue
        s, e = every_day.interval_on(day, tz)
        if s < end and e > start:
            found.append((s, e))
    return found


class Rota:
    """A client's rota loaded for one period; answers "who, in what order" at any instant in it."""

    def __init__(
        self,
        session: Session | Connection,
        client: RotaClient,
        start: datetime,
        end: datetime,
        rows: Iterable[Any] | None = None,
        free_at: datetime | None = None,
    ) -> None:
        """`rows`: the client's rows of `rota_rows` when already loaded (many clients at once).
        `free_at`: read who is free then with the rota (`free`)."""
        self.client = client
        self.start, self.end = start, end
        tz = ZoneInfo(client.timezone)
        first_day = local_date(start, tz) - timedelta(days=1)
        last_day = local_date(end, tz)
        if rows is None:
            loaded: list[Any] = rota_rows(
                connection_of(session), client.id, start, end, first_day, last_day, free_at
            )
            rows = loaded
        # Given `free_at`: each person's presence then (True free, False not, None no row).
        self.free: dict[int, bool | None] = {}
        self.secretaries: dict[int, _Person] = {}
        self.duties: list[_Duty] = []
        self.overrides: list[_Override] = []
        self.partners: list[tuple[int, int]] = []  # (overflow rank, secretary id)
        self.absences: list[tuple[int, datetime, datetime]] = []
        overrides: list[tuple[datetime, int, _Override]] = []
        for row in rows:
            person = _Person(row.name, row.phone, row.active)
            if row.kind != ABSENCE:
                self.free[row.replacement_id or row.secretary_id] = row.free
            if row.kind == SHIFT:
                found = shift_occurrences(row, tz, start, end)
                if found:
                    self.secretaries[row.secretary_id] = person
                    self.duties.append(
                        _Duty(row.id, row.secretary_id, row.rank, row.ring_together, tuple(found))
                    )
            elif row.kind == PARTNER:
                self.partners.append((row.rank or 0, row.secretary_id))
                self.secretaries[row.secretary_id] = person
            elif row.kind == OVERRIDE:
                override = _Override(
                    row.shift_id, row.secretary_id, row.replacement_id, row.starts_at, row.ends_at
                )
                overrides.append((row.starts_at, row.id, override))
                self.secretaries[row.replacement_id] = person
            else:
                self.absences.append((row.secretary_id, row.starts_at, row.ends_at))
        self.duties.sort(key=lambda d: (d.rank, d.shift_id))
        self.partners.sort()
        self.overrides = [o for _, _, o in sorted(overrides, key=lambda t: t[:2])]

    def _available(self, secretary_id: int, at: datetime) -> bool:
        if not self.secretaries[secretary_id].active:
            return False
        return not any(sid == secretary_id and s <= at < e for sid, s, e in self.absences)

    def _holder(self, duty: _Duty, at: datetime) -> int:
        """Who holds `duty` at `at`: the rota's secretary, or whoever took it over."""
        for o in self.overrides:
            if (
                o.original_secretary_id == duty.secretary_id
                and (o.shift_id is None or o.shift_id == duty.shift_id)
                and o.starts_at <= at < o.ends_at
            ):
                return o.replacement_secretary_id
        return duty.secretary_id

    def on_duty(self, at: datetime) -> list[tuple[Responder, _Duty]]:
        """Secretaries on duty at `at`, by rank, overrides applied, absent ones removed."""
        seen: set[int] = set()
        found = []
        for duty in self.duties:
            if not any(s <= at < e for s, e in duty.intervals):
                continue
            holder = self._holder(duty, at)
            if holder in seen or not self._available(holder, at):
                continue
            seen.add(holder)
            found.append((self._responder(holder, duty.rank), duty))
        return found

    def plan(self, at: datetime) -> list[Step]:
        """The ordered steps of ringing at `at`: each step is rung in one <Dial>."""
        duty = self.on_duty(at)
        steps: list[Step] = []
        rest = duty
        if len(duty) >= 2 and duty[0][1].rank == 1 and duty[1][1].rank == 2:
            (first, first_duty), (second, second_duty) = duty[0], duty[1]
            if (
                self.client.ring_pair_together
                or first_duty.ring_together
                or second_duty.ring_together
            ):
                steps.append((first, second))
                rest = duty[2:]
        steps.extend((responder,) for responder, _ in rest)
        ringing = {r.secretary_id for step in steps for r in step}
        for rank, partner_id in self.partners:
            if partner_id not in ringing and self._available(partner_id, at):
                ringing.add(partner_id)
                steps.append((self._responder(partner_id, 100 + rank, partner=True),))
        return [step[:MAX_NUMBERS_PER_DIAL] for step in steps]

    def change_points(self) -> Iterator[datetime]:
        """Instants inside the period where who is on duty may change."""
        for duty in self.duties:
            for s, e in duty.intervals:
                yield s
                yield e
        for o in self.overrides:
            yield o.starts_at
            yield o.ends_at
        for _, s, e in self.absences:
            yield s
            yield e

    def _responder(self, secretary_id: int, rank: int, partner: bool = False) -> Responder:
        s = self.secretaries[secretary_id]
        return Responder(secretary_id, s.name, s.phone, rank, partner)


def responders(session: Session | Connection, client: RotaClient, at: datetime) -> list[Step]:
    """Who to ring for `client` at `at`, in order (a step of several = rung together)."""
    return Rota(session, client, at, at + timedelta(microseconds=1)).plan(at)

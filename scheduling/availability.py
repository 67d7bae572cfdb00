"""Free slots of a practitioner: opening hours, minus closures and public holidays,
minus appointments (buffer included) and imported busy blocks, minus the notice period.

Opening hours are local wall time, expanded with `desk.base.wall_time`, so a 09:00 opening
stays 09:00 across daylight-saving changes. A slot occupies [start, start + duration)
of the opening hours and blocks [start, start + duration + buffer): the same interval
the PostgreSQL exclusion constraint compares, so every slot returned here books.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError, NotFound
from desk.base.public_holidays import holiday_dates
from desk.base.wall_time import WeeklyRule, local_date, occurrences
from desk.models import (
    Appointment,
    AppointmentType,
    BusyBlock,
    Client,
    Closure,
    OpeningHours,
    Practitioner,
)
from desk.models.states import AppointmentStatus

Interval = tuple[datetime, datetime]
MAX_RANGE = timedelta(days=93)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Scope:
    """What availability is about, loaded and checked once."""

    client: Client
    practitioner: Practitioner
    type: AppointmentType

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.client.timezone)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.type.duration_minutes)

    @property
    def blocked(self) -> timedelta:
        return timedelta(minutes=self.type.duration_minutes + self.type.buffer_minutes)


def load_scope(session: Session, client_id: int, practitioner_id: int, type_id: int) -> Scope:
    """The client, practitioner and type, checked to belong together."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("client_not_found", "client_id")
    practitioner = session.get(Practitioner, practitioner_id)
    if practitioner is None or practitioner.client_id != client_id or not practitioner.active:
        raise NotFound("practitioner_not_found", "practitioner_id")
    appointment_type = session.get(AppointmentType, type_id)
    if appointment_type is None or appointment_type.client_id != client_id:
        raise NotFound("appointment_type_not_found", "type_id")
    if not appointment_type.active:
        raise DomainError("appointment_type_inactive", "type_id")
    offered_by = appointment_type.practitioners
    if offered_by and practitioner not in offered_by:
        raise DomainError("type_not_offered", "type_id", practitioner=practitioner.name)
    return Scope(client, practitioner, appointment_type)


class Calendar:
    """Opening intervals and busy intervals of one practitioner over [start, end)."""

    def __init__(
        self,
        session: Session,
        scope: Scope,
        start: datetime,
        end: datetime,
        *,
        exclude_appointment_id: int | None = None,
    ) -> None:
        self.scope = scope
        self.start, self.end = start, end
        self.opening = self._opening(session)
        busy = self._appointments(session, exclude_appointment_id) + self._busy_blocks(session)
        busy.sort()
        self.busy_starts = [s for s, _ in busy]
        # Running maximum of ends: any earlier interval reaching past t is found in O(log n).
        self.busy_max_ends: list[datetime] = []
        for _, e in busy:
            last = self.busy_max_ends[-1] if self.busy_max_ends else e
            self.busy_max_ends.append(max(last, e))
        self._busy = busy

    def _closed_days(self, session: Session) -> set[date]:
        scope, tz = self.scope, self.scope.tz
        first, last = local_date(self.start, tz) - timedelta(days=1), local_date(self.end, tz)
        closed: set[date] = set()
        rows = session.scalars(
            select(Closure).where(
                Closure.client_id == scope.client.id,
                or_(
                    Closure.practitioner_id.is_(None),
                    Closure.practitioner_id == scope.practitioner.id,
                ),
                Closure.starts_on <= last,
                Closure.ends_on >= first,
            )
        )
        for closure in rows:
            day = max(closure.starts_on, first)
            while day <= min(closure.ends_on, last):
                closed.add(day)
                day += timedelta(days=1)
        # Practices close on public holidays (DESIGN §5); the desk's holiday_policy only
        # decides whether the desk answers the phone on those days.
        closed |= holiday_dates(scope.client.holiday_country, first, last)
        return closed

    def _opening(self, session: Session) -> list[Interval]:
        tz = self.scope.tz
        closed = self._closed_days(session)
        intervals: list[Interval] = []
        for row in session.scalars(
            select(OpeningHours).where(OpeningHours.practitioner_id == self.scope.practitioner.id)
        ):
            rule = WeeklyRule(
                frozenset({row.weekday}),
                row.start_local,
                row.end_local,
                row.valid_from,
                row.valid_until,
            )
            for s, e in occurrences(rule, tz, self.start, self.end):
                if local_date(s, tz) not in closed:
                    intervals.append((s, e))
        intervals.sort()
        return intervals

    def _appointments(self, session: Session, exclude_id: int | None) -> list[Interval]:
        query = select(Appointment.starts_at, Appointment.blocked_until).where(
            Appointment.practitioner_id == self.scope.practitioner.id,
            Appointment.status != AppointmentStatus.CANCELLED,
            Appointment.starts_at < self.end,
            Appointment.blocked_until > self.start - timedelta(days=1),
        )
        if exclude_id is not None:
            query = query.where(Appointment.id != exclude_id)
        return [(s, e) for s, e in session.execute(query)]

    def _busy_blocks(self, session: Session) -> list[Interval]:
        query = select(BusyBlock.starts_at, BusyBlock.ends_at).where(
            BusyBlock.client_id == self.scope.client.id,
            or_(
                BusyBlock.practitioner_id.is_(None),
                BusyBlock.practitioner_id == self.scope.practitioner.id,
            ),
            BusyBlock.starts_at < self.end + timedelta(days=1),
            BusyBlock.ends_at > self.start - timedelta(days=1),
        )
        return [(s, e) for s, e in session.execute(query)]

    def is_busy(self, start: datetime, end: datetime) -> bool:
        """Does [start, end) overlap a busy interval?"""
        i = bisect_right(self.busy_starts, start)  # intervals starting at or before `start`
        if i and self.busy_max_ends[i - 1] > start:
            return True
        # An interval starting inside (start, end)?
        return i < len(self.busy_starts) and self.busy_starts[i] < end

    def fits(self, start: datetime, not_before: datetime) -> bool:
        """Can an appointment of the scope's type start at `start`?"""
        if start < not_before:
            return False
        end = start + self.scope.duration
        inside = any(s <= start and end <= e for s, e in self.opening)
        return inside and not self.is_busy(start, start + self.scope.blocked)

    def slots(self, not_before: datetime, step: timedelta) -> list[Slot]:
        found: list[Slot] = []
        duration, blocked = self.scope.duration, self.scope.blocked
        for s, e in self.opening:
            t = s
            while t + duration <= e:
                if (
                    t >= not_before
                    and self.start <= t < self.end
                    and not self.is_busy(t, t + blocked)
                ):
                    found.append(Slot(t, t + duration))
                t += step
        return found


def earliest_start(client: Client, now: datetime) -> datetime:
    return now + timedelta(minutes=client.min_notice_minutes)


def availability(
    session: Session,
    *,
    client_id: int,
    practitioner_id: int,
    type_id: int,
    start: datetime,
    end: datetime,
    now: datetime,
    step_minutes: int | None = None,
    limit: int | None = None,
) -> list[Slot]:
    """Free slots starting in [start, end), in order; none before now + the client's notice."""
    if start.tzinfo is None or end.tzinfo is None:
        raise DomainError("datetime_without_zone", "from")
    if end <= start:
        raise DomainError("range_end_before_start", "to")
    if end - start > MAX_RANGE:
        raise DomainError("range_too_long", "to", days=MAX_RANGE.days)
    scope = load_scope(session, client_id, practitioner_id, type_id)
    step = timedelta(minutes=step_minutes or scope.type.duration_minutes)
    if step <= timedelta(0):
        raise DomainError("step_invalid", "step_minutes")
    slots = Calendar(session, scope, start, end).slots(earliest_start(scope.client, now), step)
    return slots[:limit] if limit is not None else slots


def next_free_slots(
    session: Session, scope: Scope, after: datetime, now: datetime, count: int = 3
) -> list[Slot]:
    """The first `count` free slots from `after` (for a "slot just taken" answer)."""
    start = max(after, now)
    for weeks in (1, 4, 12):
        end = start + timedelta(weeks=weeks)
        step = timedelta(minutes=scope.type.duration_minutes)
        found = Calendar(session, scope, start, end).slots(earliest_start(scope.client, now), step)
        if len(found) >= count or weeks == 12:
            return found[:count]
    return []  # pragma: no cover - the loop always returns

"""The rota as people read it: per client and day, coverage, who is on duty, and the gaps.

A reading of the rota models for the web desk (week grid, the Now page). Routing asks
`desk.rota` who to ring; this module answers "who is on duty when" for display:
shifts expanded in the client's wall time, overrides applied, absences removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desk.models import Absence, Client, CoverageWindow, Override, Secretary, Shift, Training
from desk.wall_time import WeeklyRule, local_to_utc, occurrences, parse_weekdays

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Duty:
    secretary_id: int
    secretary: str
    rank: int
    start: datetime  # UTC
    end: datetime
    shift_id: int
    replaces: str | None = None  # set when an override put this secretary here
    override_id: int | None = None


@dataclass(frozen=True)
class Day:
    day: date
    coverage: list[Interval]
    duties: list[Duty]
    gaps: list[Interval]  # covered time with nobody on duty


def subtract(intervals: Iterable[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """`intervals` minus `holes`, in order."""
    result = sorted(intervals)
    for h_start, h_end in sorted(holes):
        cut: list[Interval] = []
        for start, end in result:
            if h_end <= start or h_start >= end:
                cut.append((start, end))
                continue
            if start < h_start:
                cut.append((start, h_start))
            if h_end < end:
                cut.append((h_end, end))
        result = cut
    return result


def _rule(row: CoverageWindow | Shift) -> WeeklyRule:
    return WeeklyRule(
        parse_weekdays(row.weekdays),
        row.start_local,
        row.end_local,
        row.valid_from,
        row.valid_until,
    )


def coverage(session: Session, client: Client, start: datetime, end: datetime) -> list[Interval]:
    tz = ZoneInfo(client.timezone)
    rows = session.scalars(select(CoverageWindow).where(CoverageWindow.client_id == client.id))
    found = [iv for row in rows for iv in occurrences(_rule(row), tz, start, end)]
    return sorted(found)


def duties(session: Session, client: Client, start: datetime, end: datetime) -> list[Duty]:
    """Who is on duty for `client` between `start` and `end` (UTC), overrides and absences
    applied; ordered by start then rank."""
    tz = ZoneInfo(client.timezone)
    trained = select(Training.secretary_id).where(Training.client_id == client.id)
    shifts = session.scalars(
        select(Shift).where(
            or_(
                Shift.client_id == client.id,
                Shift.client_id.is_(None) & Shift.secretary_id.in_(trained),
            ),
            Shift.weekdays.is_not(None),
        )
    ).all()
    names = {sid: name for sid, name in session.execute(select(Secretary.id, Secretary.name))}
    overrides = session.scalars(
        select(Override).where(Override.starts_at < end, Override.ends_at > start)
    ).all()
    absences = session.scalars(
        select(Absence).where(Absence.starts_at < end, Absence.ends_at > start)
    ).all()
    result: list[Duty] = []
    for shift in shifts:
        for s, e in occurrences(_rule(shift), tz, start, end):
            duty = Duty(shift.secretary_id, names[shift.secretary_id], shift.rank, s, e, shift.id)
            result.extend(_apply_overrides(duty, overrides, names))
    result = [
        piece
        for duty in result
        for piece in _minus_absences(
            duty, [a for a in absences if a.secretary_id == duty.secretary_id]
        )
    ]
    return sorted(result, key=lambda d: (d.start, d.rank, d.secretary))


def _apply_overrides(
    duty: Duty, overrides: Iterable[Override], names: dict[int, str]
) -> list[Duty]:
    pieces = [duty]
    for o in overrides:
        if o.original_secretary_id != duty.secretary_id:
            continue
        if o.shift_id is not None and o.shift_id != duty.shift_id:
            continue
        next_pieces: list[Duty] = []
        for piece in pieces:
            if piece.replaces is not None or o.ends_at <= piece.start or o.starts_at >= piece.end:
                next_pieces.append(piece)
                continue
            for s, e in subtract([(piece.start, piece.end)], [(o.starts_at, o.ends_at)]):
                next_pieces.append(replace(piece, start=s, end=e))
            next_pieces.append(
                replace(
                    piece,
                    secretary_id=o.replacement_secretary_id,
                    secretary=names[o.replacement_secretary_id],
                    start=max(piece.start, o.starts_at),
                    end=min(piece.end, o.ends_at),
                    replaces=piece.secretary,
                    override_id=o.id,
                )
            )
        pieces = next_pieces
    return pieces


def _minus_absences(duty: Duty, absences: list[Absence]) -> list[Duty]:
    spans = subtract([(duty.start, duty.end)], [(a.starts_at, a.ends_at) for a in absences])
    return [replace(duty, start=s, end=e) for s, e in spans]


def week(session: Session, client: Client, monday: date) -> list[Day]:
    """Seven days from `monday` (local dates of the client)."""
    tz = ZoneInfo(client.timezone)
    days: list[Day] = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        start = local_to_utc(day, datetime.min.time(), tz)
        end = local_to_utc(day + timedelta(days=1), datetime.min.time(), tz)
        covered = coverage(session, client, start, end)
        on = duties(session, client, start, end)
        clipped = [(max(s, start), min(e, end)) for s, e in covered]
        gaps = subtract(clipped, [(d.start, d.end) for d in on])
        days.append(Day(day, clipped, [d for d in on if d.end > start and d.start < end], gaps))
    return days


@dataclass(frozen=True)
class NowAndNext:
    client: Client
    covered_now: bool
    on_duty: list[Duty]
    next_duty: list[Duty]  # the next block of duty starting after now (within a week)


def now_and_next(session: Session, client: Client, at: datetime) -> NowAndNext:
    horizon = at + timedelta(days=7)
    covered_now = any(
        s <= at < e for s, e in coverage(session, client, at, at + timedelta(seconds=1))
    )
    upcoming = duties(session, client, at, horizon)
    current = [d for d in upcoming if d.start <= at < d.end]
    later = [d for d in upcoming if d.start > at]
    first = min((d.start for d in later), default=None)
    return NowAndNext(client, covered_now, current, [d for d in later if d.start == first])

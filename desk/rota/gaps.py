"""Who is on duty over a period, and the gaps: covered minutes with nobody on duty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from desk.base.wall_time import local_date, local_to_utc
from desk.models import Client
from desk.rota.coverage import CoverageRules
from desk.rota.duty import Responder, Rota


@dataclass(frozen=True)
class Segment:
    """A covered stretch during which the same secretaries are on duty (none: a gap)."""

    start: datetime
    end: datetime
    on_duty: tuple[Responder, ...]

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def segments(session: Session, client: Client, start: datetime, end: datetime) -> list[Segment]:
    """Covered time in [start, end), cut wherever who is on duty changes."""
    tz = ZoneInfo(client.timezone)
    rules = CoverageRules.load(session, client, local_date(start, tz), local_date(end, tz))
    return segments_of(rules, Rota(session, client, start, end), start, end)


def segments_of(rules: CoverageRules, rota: Rota, start: datetime, end: datetime) -> list[Segment]:
    """`segments` from rules and a rota already loaded (the Now page loads many at once)."""
    cuts = sorted({p for p in rota.change_points() if start < p < end})
    found: list[Segment] = []
    for s, e in rules.intervals(start, end):
        bounds = [s, *[p for p in cuts if s < p < e], e]
        for a, b in pairwise(bounds):
            on_duty = tuple(r for r, _ in rota.on_duty(a))
            if found and found[-1].end == a and found[-1].on_duty == on_duty:
                found[-1] = Segment(found[-1].start, b, on_duty)
            else:
                found.append(Segment(a, b, on_duty))
    return found


def gaps(session: Session, client: Client, start: datetime, end: datetime) -> list[Segment]:
    """Covered stretches of [start, end) with nobody on duty (partners do not count)."""
    return [seg for seg in segments(session, client, start, end) if not seg.on_duty]


def gap_minutes(session: Session, client: Client, start: datetime, end: datetime) -> int:
    return sum(seg.minutes for seg in gaps(session, client, start, end))


def iso_week(text: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """'2027-W13' -> UTC [Monday 00:00, next Monday 00:00) in local time `tz`."""
    try:
        year, week = text.upper().split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ValueError(f"expected an ISO week like 2027-W13, got {text!r}") from None
    return (
        local_to_utc(monday, time(0), tz),
        local_to_utc(monday + timedelta(days=7), time(0), tz),
    )

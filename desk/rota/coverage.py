"""When the desk answers for a client: coverage windows, closures and public holidays.

Everything is decided on the client's local calendar: windows are wall-time rules,
closures and holidays are local dates. The UTC intervals are derived, never stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from desk.base.db import connection_of
from desk.base.public_holidays import holiday_name
from desk.base.wall_time import (
    WeeklyRule,
    local_date,
    local_days,
    local_to_utc,
    occurrences,
    parse_weekdays,
)
from desk.models import Client, Closure, CoverageWindow

Interval = tuple[datetime, datetime]

# Why a call is (or is not) covered; the webhooks and `desk rota show` print these.
WINDOW = "window"
HOLIDAY_COVERED = "holiday-covered"
HOLIDAY_CLOSED = "holiday-closed"
CLOSURE = "closure"
OUTSIDE_HOURS = "outside-hours"


@dataclass(frozen=True)
class Coverage:
    covered: bool
    reason: str
    holiday: str | None = None


_WINDOWS = select(
    CoverageWindow.weekdays,
    CoverageWindow.start_local,
    CoverageWindow.end_local,
    CoverageWindow.valid_from,
    CoverageWindow.valid_until,
).where(CoverageWindow.client_id == bindparam("client_id"))
_CLOSURES = select(Closure.starts_on, Closure.ends_on).where(
    Closure.client_id == bindparam("client_id"),
    Closure.practitioner_id.is_(None),
    Closure.starts_on <= bindparam("end"),
    Closure.ends_on >= bindparam("start"),
)


class CoveredClient(Protocol):
    """What coverage reads of a client: a `Client`, or a row of these columns."""

    @property
    def id(self) -> int: ...
    @property
    def timezone(self) -> str: ...
    @property
    def holiday_policy(self) -> str: ...
    @property
    def holiday_country(self) -> str: ...


@dataclass(frozen=True)
class CoverageRules:
    """A client's coverage rules, loaded once, asked about any instant or period."""

    tz: ZoneInfo
    windows: tuple[WeeklyRule, ...]
    closures: tuple[tuple[date, date], ...]
    holiday_policy: str
    holiday_country: str

    @classmethod
    def load(
        cls, session: Session | Connection, client: Client, start: date, end: date
    ) -> CoverageRules:
        """Rules touching local days [start, end] (closures are filtered by date)."""
        conn = connection_of(session)
        windows = conn.execute(_WINDOWS, {"client_id": client.id}).all()
        closures = conn.execute(
            _CLOSURES, {"client_id": client.id, "start": start, "end": end}
        ).all()
        return cls.of(client, windows, closures)

    @classmethod
    def of(
        cls,
        client: CoveredClient,
        windows: Iterable[tuple[str, time, time, date | None, date | None]],
        closures: Iterable[tuple[date, date]],
    ) -> CoverageRules:
        """Rules from rows: windows (weekdays, start, end, valid from, until), closures."""
        return cls(
            tz=ZoneInfo(client.timezone),
            windows=tuple(
                WeeklyRule(parse_weekdays(w), s, e, vf, vu) for w, s, e, vf, vu in windows
            ),
            closures=tuple((s, e) for s, e in closures),
            holiday_policy=client.holiday_policy,
            holiday_country=client.holiday_country,
        )

    def day_state(self, day: date) -> tuple[str | None, str | None]:
        """(CLOSURE | HOLIDAY_COVERED | HOLIDAY_CLOSED | None, holiday name) for a local day."""
        if any(s <= day <= e for s, e in self.closures):
            return CLOSURE, None
        name = holiday_name(self.holiday_country, day)
        if name is None:
            return None, None
        return (HOLIDAY_COVERED if self.holiday_policy == "covered" else HOLIDAY_CLOSED), name

    def intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """Covered UTC intervals overlapping [start, end), merged and in order.

        The one expansion of coverage, used by routing, the rota page, gaps and digests.
        A window belongs to the local day it starts on: a closure or holiday on that
        day removes it; a covered holiday is covered from midnight to midnight.
        """
        found: list[Interval] = []
        first = local_date(start, self.tz) - timedelta(days=1)
        for day in local_days(first, local_date(end, self.tz)):
            if self.day_state(day)[0] == HOLIDAY_COVERED:
                found.append(
                    (
                        local_to_utc(day, time(0), self.tz),
                        local_to_utc(day + timedelta(days=1), time(0), self.tz),
                    )
                )
        for rule in self.windows:
            for s, e in occurrences(rule, self.tz, start, end):
                if self.day_state(local_date(s, self.tz))[0] is None:
                    found.append((s, e))
        return _merge([(max(s, start), min(e, end)) for s, e in found if s < end and e > start])

    def at(self, at: datetime) -> Coverage:
        day = local_date(at, self.tz)
        state, name = self.day_state(day)
        if any(s <= at < e for s, e in self.intervals(at, at + timedelta(microseconds=1))):
            return Coverage(True, HOLIDAY_COVERED if state == HOLIDAY_COVERED else WINDOW, name)
        if state in (CLOSURE, HOLIDAY_CLOSED):
            return Coverage(False, state, name)
        return Coverage(False, OUTSIDE_HOURS, name)


def coverage(session: Session | Connection, client: Client, at: datetime) -> Coverage:
    """Is `client` covered by the desk at instant `at`, and why."""
    tz = ZoneInfo(client.timezone)
    day = local_date(at, tz)
    rules = CoverageRules.load(session, client, day - timedelta(days=1), day + timedelta(days=1))
    return rules.at(at)


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        elif s < e:
            merged.append((s, e))
    return merged

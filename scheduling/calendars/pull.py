"""The practitioner's own events, read back from a connected calendar, block availability.

One calendar-query REPORT over the window ahead (RFC 4791 7.8) per connection; every
object's VEVENTs are gathered into one calendar and expanded once by
`recurring-ical-events` (the ICS import's reader: TZIDs, Windows zone names, all-day
events, TRANSPARENT and CANCELLED left out). The desk's own pushed events are recognised
by UID and not counted twice. The REPORT happens with no transaction open; the busy
times of a connection are then replaced in one short one. A failed pull keeps the last
good busy times and records the error on the connection.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from desk.base.config import Settings
from desk.base.db import Database
from desk.base.errors import DomainError
from desk.models import CalendarBusy, CalendarConnection, CalendarEvent, Client
from desk.models.calendars import ConnectionKind, ConnectionState
from scheduling.busy_import import Interval, calendar_busy
from scheduling.calendars.dav import Dav, Resource, trusted_networks
from scheduling.calendars.sealing import unseal
from scheduling.safe_fetch import Network

log = logging.getLogger(__name__)

PAST = timedelta(days=1)
AHEAD = timedelta(days=62)
OWN_UID_SUFFIX = "@permanence"  # scheduling.booking's UIDs


@dataclass(frozen=True)
class Target:
    id: int
    client_id: int
    practitioner_id: int | None
    url: str
    username: str
    sealed: str
    tz: str


def targets(
    session: Session,
    connection_ids: Iterable[int] | None = None,
    stale_before: datetime | None = None,
) -> list[Target]:
    query = (
        select(CalendarConnection, Client.timezone)
        .join(Client, Client.id == CalendarConnection.client_id)
        .where(
            CalendarConnection.kind == ConnectionKind.CALDAV,
            CalendarConnection.state != ConnectionState.DISCONNECTED,
        )
        .order_by(CalendarConnection.id)
    )
    if connection_ids is not None:
        query = query.where(CalendarConnection.id.in_(list(connection_ids)))
    if stale_before is not None:
        query = query.where(
            (CalendarConnection.last_pull_at.is_(None))
            | (CalendarConnection.last_pull_at < stale_before)
        )
    return [
        Target(c.id, c.client_id, c.practitioner_id, c.url, c.username, c.password_encrypted, tz)
        for c, tz in session.execute(query)
    ]


def busy_of(
    resources: Sequence[Resource], own: set[str], tz: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """The busy intervals of the REPORT's objects, the desk's own events left out."""
    merged = icalendar.Calendar()
    merged.add("prodid", "-//Permanence//pull//FR")
    merged.add("version", "2.0")
    zones: set[str] = set()
    for resource in resources:
        try:
            calendar = icalendar.Calendar.from_ical(resource.data)
        except ValueError:
            log.info("pull: unreadable object %s skipped", resource.href)
            continue
        for component in calendar.subcomponents:
            if component.name == "VTIMEZONE":
                tzid = str(component.get("TZID", ""))
                if tzid not in zones:
                    zones.add(tzid)
                    merged.add_component(component)
            elif component.name == "VEVENT":
                uid = str(component.get("UID", ""))
                if uid in own or uid.endswith(OWN_UID_SUFFIX):
                    continue
                merged.add_component(component)
    return calendar_busy(merged, tz, start, end)


def fetch(
    target: Target, password: str, own: set[str], trusted: Sequence[Network], now: datetime
) -> list[Interval]:
    start, end = now - PAST, now + AHEAD
    with Dav(target.url, target.username, password, trusted=trusted) as dav:
        resources = dav.query(target.url, start, end)
    return busy_of(resources, own, ZoneInfo(target.tz), start, end)


def store(session: Session, target: Target, intervals: list[Interval], now: datetime) -> None:
    session.execute(delete(CalendarBusy).where(CalendarBusy.connection_id == target.id))
    session.add_all(
        CalendarBusy(
            connection_id=target.id,
            client_id=target.client_id,
            practitioner_id=target.practitioner_id,
            starts_at=s,
            ends_at=e,
            summary=summary,
            fetched_at=now,
        )
        for s, e, summary in intervals
    )
    session.execute(
        update(CalendarConnection)
        .where(
            CalendarConnection.id == target.id,
            CalendarConnection.state != ConnectionState.DISCONNECTED,
        )
        .values(last_pull_at=now, last_error=None, state=ConnectionState.ACTIVE)
    )


def record_failure(session: Session, target: Target, code: str, now: datetime) -> None:
    session.execute(
        update(CalendarConnection)
        .where(
            CalendarConnection.id == target.id,
            CalendarConnection.state != ConnectionState.DISCONNECTED,
        )
        .values(last_error=code, last_error_at=now, state=ConnectionState.FAILING)
    )


@dataclass
class PullResult:
    pulled: int = 0
    failed: int = 0
    busy: int = 0


def pull(
    db: Database,
    settings: Settings,
    now: datetime,
    *,
    connection_ids: Iterable[int] | None = None,
    stale_only: bool = False,
) -> PullResult:
    """Pull each connection (or those not pulled for `calendars.pull_minutes`), each in
    its own short transaction: one failing calendar does not hold up the others."""
    trusted = trusted_networks(settings["calendars.trusted_networks"])
    stale_before = (
        now - timedelta(minutes=settings["calendars.pull_minutes"]) if stale_only else None
    )
    with db.session() as session:
        found = targets(session, connection_ids, stale_before)
    result = PullResult()
    for target in found:
        with db.session() as session:
            own = set(
                session.scalars(
                    select(CalendarEvent.uid).where(CalendarEvent.connection_id == target.id)
                )
            )
        try:
            intervals = fetch(target, unseal(settings, target.sealed), own, trusted, now)
        except DomainError as exc:
            log.warning("calendar %s: pull failed: %s", target.id, exc.code)
            with db.session() as session:
                record_failure(session, target, exc.code, now)
            result.failed += 1
            continue
        except Exception:  # a library's surprise: keep the last good busy times
            log.exception("calendar %s: pull failed", target.id)
            with db.session() as session:
                record_failure(session, target, "calendar_unreadable", now)
            result.failed += 1
            continue
        with db.session() as session:
            store(session, target, intervals, now)
        result.pulled += 1
        result.busy += len(intervals)
    return result

"""The practitioner's own events, read back from a connected calendar, block availability.

Where the server offers it (RFC 6578: Radicale, Xandikos, Nextcloud, iCloud, Fastmail…),
a pull asks only for what changed since the last one (a sync-collection REPORT), then
reads those objects (calendar-multiget) and replaces their rows alone: a quiet calendar of
thousands of events costs one small request. Once a day, when the server forgets our
token, or when it has none, the whole window is read (a calendar-query REPORT with a
time range, RFC 4791 7.8). Each object is read on its own: a plain event directly, a
recurring one expanded by `recurring-ical-events` (the ICS import's reader: TZIDs, Windows
zone names, all-day events; TRANSPARENT, FREE and CANCELLED left out). The desk's own
pushed events are recognised by UID and not counted twice. The requests happen with no
transaction open; the rows are then written in one short one. A failed pull keeps the
last good busy times and records the error on the connection.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from desk.base.config import Settings
from desk.base.db import Database
from desk.base.errors import DomainError
from desk.models import CalendarBusy, CalendarConnection, CalendarEvent, Client
from desk.models.calendars import ConnectionKind, ConnectionState
from scheduling.busy_import import Interval, calendar_busy, event_interval
from scheduling.calendars.dav import Dav, Resource, SyncTokenExpired, trusted_networks
from scheduling.calendars.sealing import unseal
from scheduling.safe_fetch import Network

log = logging.getLogger(__name__)

PAST = timedelta(days=1)
AHEAD = timedelta(days=62)
PULL_TIMEOUT = 60
QUICK_TIMEOUT = 5  # before slots are offered: a page waits no longer
FULL_EVERY = timedelta(days=1)  # the window moves: read it whole once a day
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
    sync_token: str | None
    full_pull_at: datetime | None


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
        Target(
            c.id,
            c.client_id,
            c.practitioner_id,
            c.url,
            c.username,
            c.password_encrypted,
            tz,
            c.sync_token,
            c.full_pull_at,
        )
        for c, tz in session.execute(query)
    ]


def intervals_of(
    resource: Resource, own: set[str], tz: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """The busy intervals of one calendar object within [start, end)."""
    try:
        calendar = icalendar.Calendar.from_ical(resource.data)
    except ValueError:
        log.info("pull: unreadable object %s skipped", resource.href)
        return []
    events = [
        event
        for event in calendar.walk("VEVENT")
        if not (
            str(event.get("UID", "")) in own or str(event.get("UID", "")).endswith(OWN_UID_SUFFIX)
        )
    ]
    if any("RRULE" in e or "RDATE" in e or "RECURRENCE-ID" in e for e in events):
        mine = icalendar.Calendar()
        kept = {id(event) for event in events}
        for component in calendar.subcomponents:
            if component.name == "VTIMEZONE" or id(component) in kept:
                mine.add_component(component)
        return calendar_busy(mine, tz, start, end)
    found = []
    for event in events:
        interval = event_interval(event, tz)
        if interval is not None and interval[1] > start and interval[0] < end:
            found.append(interval)
    return found


def busy_of(
    resources: Sequence[Resource], own: set[str], tz: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """The busy intervals of the REPORT's objects, the desk's own events left out."""
    return sorted(
        interval
        for resource in resources
        for interval in intervals_of(resource, own, tz, start, end)
    )


@dataclass
class Fetched:
    """What a pull read: the rows of each object read, the objects gone, the new token."""

    full: bool
    by_href: dict[str, list[Interval]]
    removed: list[str]
    token: str | None


def fetch(
    target: Target,
    password: str,
    own: set[str],
    trusted: Sequence[Network],
    now: datetime,
    *,
    full: bool,
    timeout: int = PULL_TIMEOUT,
) -> Fetched:
    start, end = now - PAST, now + AHEAD
    tz = ZoneInfo(target.tz)
    # A first sync-token can take Radicale seconds per thousand objects (it builds its
    # history once): a pull waits longer than a push.
    with Dav(target.url, target.username, password, trusted=trusted, timeout=timeout) as dav:
        if not full and target.sync_token:
            try:
                changes = dav.changes(target.url, target.sync_token)
            except SyncTokenExpired:
                pass
            else:
                resources = dav.multiget(target.url, changes.changed)
                return Fetched(
                    False,
                    {r.href: intervals_of(r, own, tz, start, end) for r in resources}
                    | {
                        href: []
                        for href in changes.changed
                        if href not in {r.href for r in resources}
                    },
                    changes.removed,
                    changes.token,
                )
        # The token first: a change made while we read comes again with the next pull.
        token = dav.sync_token(target.url)
        resources = dav.query(target.url, start, end)
    return Fetched(
        True, {r.href: intervals_of(r, own, tz, start, end) for r in resources}, [], token
    )


def store(session: Session, target: Target, fetched: Fetched, now: datetime) -> int:
    gone = CalendarBusy.connection_id == target.id
    if not fetched.full:
        hrefs = [*fetched.by_href, *fetched.removed]
        gone = gone & CalendarBusy.href.in_(hrefs)
    if fetched.full or fetched.by_href or fetched.removed:
        session.execute(delete(CalendarBusy).where(gone))
    rows = [
        {
            "connection_id": target.id,
            "client_id": target.client_id,
            "practitioner_id": target.practitioner_id,
            "href": href[:1000],
            "starts_at": s,
            "ends_at": e,
            "summary": summary,
            "fetched_at": now,
        }
        for href, intervals in fetched.by_href.items()
        for s, e, summary in intervals
    ]
    if rows:
        session.execute(insert(CalendarBusy), rows)
    values: dict[str, object] = {
        "last_pull_at": now,
        "last_error": None,
        "state": ConnectionState.ACTIVE,
        "sync_token": fetched.token,
    }
    if fetched.full:
        values["full_pull_at"] = now
    session.execute(
        update(CalendarConnection)
        .where(
            CalendarConnection.id == target.id,
            CalendarConnection.state != ConnectionState.DISCONNECTED,
        )
        .values(values)
    )
    return len(rows)


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
    busy: int = 0  # rows written (all of a full pull; those of the changed objects else)
    full: int = 0


def pull(
    db: Database,
    settings: Settings,
    now: datetime,
    *,
    connection_ids: Iterable[int] | None = None,
    stale_only: bool = False,
    quick: bool = False,
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
        full = target.full_pull_at is None or target.full_pull_at < now - FULL_EVERY
        if quick and full and target.sync_token:
            continue  # the daily full read is the job's; a quick pull reads changes only
        try:
            fetched = fetch(
                target,
                unseal(settings, target.sealed),
                own,
                trusted,
                now,
                full=full,
                timeout=QUICK_TIMEOUT if quick else PULL_TIMEOUT,
            )
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
            result.busy += store(session, target, fetched, now)
        result.pulled += 1
        result.full += fetched.full
    return result


def refresh_before_offering(
    db: Database, settings: Settings, client_id: int, practitioner_id: int, now: datetime
) -> PullResult:
    """Before a practitioner's slots are offered: pull her calendars whose last pull is
    older than `calendars.pull_minutes` (changes only, when a token is kept), so an event
    the practice added a minute ago is not offered. Failures are recorded, not raised:
    the slots are offered from the last good busy times."""
    with db.session() as session:
        ids = list(
            session.scalars(
                select(CalendarConnection.id).where(
                    CalendarConnection.client_id == client_id,
                    CalendarConnection.kind == ConnectionKind.CALDAV,
                    CalendarConnection.state != ConnectionState.DISCONNECTED,
                    (CalendarConnection.practitioner_id.is_(None))
                    | (CalendarConnection.practitioner_id == practitioner_id),
                )
            )
        )
    if not ids:
        return PullResult()
    return pull(db, settings, now, connection_ids=ids, stale_only=True, quick=True)

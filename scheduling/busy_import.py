"""Busy times from a client's (or a practitioner's) own calendar, imported from its ICS URL.

Recurrences are expanded by `recurring-ical-events`, Google's `X-WR-TIMEZONE` is turned
into real time zones by `x-wr-timezone`, and Exchange's Windows zone names ("Romance
Standard Time") are read as their IANA zones (icalendar's table), so the wall times
follow the real daylight-saving rules rather than the file's own approximation.
TRANSPARENT, FREE and CANCELLED events are not busy. A failed fetch or parse keeps the
last good import and records `last_error` (shown to the desk).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone
from icalendar.timezone import tzid_from_dt
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.models import BusyBlock, CalendarSource, Client, Practitioner
from scheduling import safe_fetch
from scheduling.safe_fetch import Network

log = logging.getLogger(__name__)

HORIZON = timedelta(days=180)
MAX_BYTES = 5_000_000
TIMEOUT_SECONDS = 20.0

Fetch = Callable[[str], bytes]
Interval = tuple[datetime, datetime, str]


# Networks fetched although not public: none in production; tests serve calendars on
# loopback and add it here.
TRUSTED_NETWORKS: list[Network] = []


def fetch_url(url: str, trusted: Sequence[Network] = ()) -> bytes:
    """GET the calendar over http(s), public addresses only (see `scheduling.safe_fetch`):
    never file://, never the server's own network, unless `trusted` lists it
    (`calendars.trusted_networks`: a Nextcloud on the practice's network)."""
    return safe_fetch.fetch(
        url, max_bytes=MAX_BYTES, timeout=TIMEOUT_SECONDS, trusted=[*TRUSTED_NETWORKS, *trusted]
    )


def _aware(value: date | datetime, tz: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):  # an all-day event: local midnight
        return datetime.combine(value, time(), tzinfo=tz).astimezone(UTC)
    if value.tzinfo is None:  # floating time: the practice's wall time
        return value.replace(tzinfo=tz).astimezone(UTC)
    tzid = tzid_from_dt(value)
    if tzid in WINDOWS_TO_OLSON:
        value = value.replace(tzinfo=ZoneInfo(WINDOWS_TO_OLSON[tzid]))
    return value.astimezone(UTC)


def busy_intervals(data: bytes, tz: ZoneInfo, start: datetime, end: datetime) -> list[Interval]:
    """The busy intervals of an ICS file within [start, end), in UTC."""
    return calendar_busy(icalendar.Calendar.from_ical(data), tz, start, end)


def calendar_busy(
    calendar: icalendar.Calendar, tz: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """The busy intervals of a parsed calendar within [start, end), in UTC."""
    calendar = x_wr_timezone.to_standard(calendar)
    found: list[Interval] = []
    for event in recurring_ical_events.of(calendar).between(start, end):
        interval = event_interval(event, tz)
        if interval is not None:
            found.append(interval)
    found.sort()
    return found


def event_interval(event: icalendar.Component, tz: ZoneInfo) -> Interval | None:
    """One (non-recurring, or expanded) event as a busy interval in UTC; None when it
    does not make its owner busy (TRANSPARENT, FREE, CANCELLED, no duration)."""
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return None
    if str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() == "FREE":
        return None
    s = _aware(event.decoded("DTSTART"), tz)
    if "DTEND" in event:
        e = _aware(event.decoded("DTEND"), tz)
    elif "DURATION" in event:
        e = s + event.decoded("DURATION")
    else:
        e = s + (
            timedelta(days=1) if not isinstance(event.decoded("DTSTART"), datetime) else timedelta()
        )
    if e <= s:
        return None
    return (s, e, str(event.get("SUMMARY", ""))[:300])


def import_source(
    session: Session, source: CalendarSource, now: datetime, fetch: Fetch = fetch_url
) -> int | None:
    """Replace the source's busy blocks with a fresh import; None (and last_error) on failure.

    The fetch happens before any write, so a slow server holds no lock. The caller
    commits (the job, once per source: one failing source does not undo the others).
    """
    client = session.get(Client, source.client_id)
    assert client is not None
    try:
        data = fetch(source.url)
        intervals = busy_intervals(
            data, ZoneInfo(client.timezone), now - timedelta(days=1), now + HORIZON
        )
    except Exception as exc:  # any failure: keep the last good import
        # Our own words only: a parser's message may quote the body, a socket's tells
        # open ports from closed ones.
        error = exc if isinstance(exc, DomainError) else DomainError("calendar_unreadable")
        log.warning("busy-time import of source %s failed: %s", source.id, error.code)
        source.last_attempt_at = now
        source.last_error = error.message
        return None
    source.last_attempt_at = now
    session.execute(delete(BusyBlock).where(BusyBlock.source_id == source.id))
    session.add_all(
        BusyBlock(
            source_id=source.id,
            client_id=source.client_id,
            practitioner_id=source.practitioner_id,
            starts_at=s,
            ends_at=e,
            summary=summary,
            fetched_at=now,
        )
        for s, e, summary in intervals
    )
    source.last_success_at = now
    source.last_error = None
    return len(intervals)


def sync_sources(session: Session) -> list[CalendarSource]:
    """One CalendarSource per configured URL (client's or practitioner's); stale ones dropped."""
    wanted: dict[tuple[int, int | None], str] = {}
    for client_id, url in session.execute(
        select(Client.id, Client.busy_ics_url).where(
            Client.busy_ics_url.is_not(None), Client.active
        )
    ):
        wanted[(client_id, None)] = url or ""
    for client_id, practitioner_id, url in session.execute(
        select(Practitioner.client_id, Practitioner.id, Practitioner.busy_ics_url).where(
            Practitioner.busy_ics_url.is_not(None), Practitioner.active
        )
    ):
        wanted[(client_id, practitioner_id)] = url or ""
    sources = []
    for source in session.scalars(select(CalendarSource)):
        current = wanted.pop((source.client_id, source.practitioner_id), "")
        if not current.strip():
            session.delete(source)
            continue
        source.url = current
        sources.append(source)
    for (owner_id, maybe_practitioner), new_url in wanted.items():
        if new_url.strip():
            added = CalendarSource(
                client_id=owner_id, practitioner_id=maybe_practitioner, url=new_url
            )
            session.add(added)
            sources.append(added)
    session.flush()  # ids for the caller, who commits
    return sources


def import_all(session: Session, now: datetime, fetch: Fetch = fetch_url) -> dict[int, int | None]:
    """Every source in one unit of work (the job commits per source instead)."""
    return {
        source.id: import_source(session, source, now, fetch) for source in sync_sources(session)
    }

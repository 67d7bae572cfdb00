"""iCalendar feeds, per client or per practitioner (`GET /feeds/<token>.ics`).

Building 10,000 events with `icalendar` takes seconds, so each event's text is built
once per change and stored with its appointment (`appointments.feed_part`, see
`scheduling/feed_parts.py`): it survives a restart and every worker shares it. A feed is
the calendar's header, the zone's VTIMEZONE (built once per zone per process, cached),
and the stored parts joined; a part that is missing or stale (its row's SEQUENCE, updated
time or names changed) is rebuilt by the request that finds it and stored again.
`build_feed_full` builds the same calendar in one go with `icalendar`; a test proves both
give the same bytes.

The ETag comes from the client's feed version (bumped in the transaction of any change
a feed shows) and the settings the text depends on, so `If-None-Match` is answered from
one row, without building the body. DTSTAMP is the row's updated
time, so an unchanged feed is byte-identical and its strong ETag honest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from icalendar import Calendar, Timezone
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from desk.base.plain_text import one_line
from desk.models import Appointment, AppointmentType, Client, FeedToken, Practitioner
from desk.models.states import AppointmentStatus
from scheduling.feed_parts import (
    FORMAT_VERSION,
    Variant,
    current_parts,
    event_for,
    part_columns,
    raw_updated_at,
    store_parts,
)

PAST_DAYS = 92  # the feed shows appointments from about three months back onwards
REFRESH = timedelta(minutes=15)
PRODID = "-//Permanence//Agenda//FR"
END = "END:VCALENDAR\r\n"


@dataclass(frozen=True)
class FeedState:
    etag: str
    last_modified: datetime
    window_start: datetime


def clear_cache() -> None:
    """Forget this process's VTIMEZONE and header texts (tests, the bench)."""
    vtimezone.cache_clear()
    _header.cache_clear()


def feed_url(public_base_url: str, token: str) -> str:
    return f"{public_base_url.rstrip('/')}/feeds/{token}.ics"


def resolve_token(session: Session, token: str) -> FeedToken | None:
    """The live token, or None (unknown or revoked: both are a 404).

    Its client comes in the same statement (then `session.get` finds it without SQL):
    a 304 costs one query."""
    row = session.scalar(
        select(FeedToken).options(joinedload(FeedToken.client)).where(FeedToken.token == token)
    )
    if row is None or row.revoked_at is not None:
        return None
    return row


def _window_start(now: datetime) -> datetime:
    return datetime.combine(now.date() - timedelta(days=PAST_DAYS), time(), tzinfo=UTC)


def _scope(query: object, token: FeedToken, window_start: datetime) -> object:
    q = query.where(  # type: ignore[attr-defined]
        Appointment.client_id == token.client_id, Appointment.starts_at >= window_start
    )
    if token.practitioner_id is not None:
        q = q.where(Appointment.practitioner_id == token.practitioner_id)
    return q


def _names(session: Session, client_id: int) -> tuple[dict[int, str], dict[int, str]]:
    types = {
        row.id: row.name
        for row in session.execute(
            select(AppointmentType.id, AppointmentType.name).where(
                AppointmentType.client_id == client_id
            )
        )
    }
    people = {
        row.id: row.name
        for row in session.execute(
            select(Practitioner.id, Practitioner.name).where(Practitioner.client_id == client_id)
        )
    }
    return types, people


def feed_state(session: Session, token: FeedToken, now: datetime) -> FeedState:
    """The feed's validators from the client row alone: no body built, no rows scanned.

    `clients.feed_version` moves with every change the feed shows (see
    desk/models/feed_version.py); the window start moves once a day as old
    appointments drop out.
    """
    window_start = _window_start(now)
    client = session.get(Client, token.client_id)
    assert client is not None
    seed = "|".join(
        map(
            str,
            (
                FORMAT_VERSION,
                token.id,
                token.practitioner_id,
                client.name,
                client.timezone,
                client.privacy_mode,
                client.feed_show_phone,
                window_start.isoformat(),
                client.feed_version,
            ),
        )
    )
    changed = client.feed_changed_at or token.created_at
    return FeedState(hashlib.sha256(seed.encode()).hexdigest()[:32], changed, window_start)


@lru_cache(maxsize=32)
def vtimezone(tzid: str) -> bytes:
    """The zone's VTIMEZONE, generated once per zone per process (it costs milliseconds)."""
    return bytes(
        Timezone.from_tzid(tzid, first_date=date(2020, 1, 1), last_date=date(2045, 1, 1)).to_ical()
    )


def _timezone_component(tzid: str) -> Timezone:
    return Timezone.from_ical(vtimezone(tzid))  # type: ignore[return-value]


def _calendar(client_name: str, tzid: str, practitioner_name: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = client_name if practitioner_name is None else f"{client_name} – {practitioner_name}"
    # A name stored with a CR/LF before names were cleaned made the whole feed a 500.
    cal.add("x-wr-calname", one_line(name))
    cal.add("x-wr-timezone", tzid)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    return cal


@lru_cache(maxsize=1024)
def _header(client_name: str, tzid: str, practitioner_name: str | None) -> str:
    """The calendar's properties and VTIMEZONE: everything before the first event."""
    text = bytes(_calendar(client_name, tzid, practitioner_name).to_ical()).decode()
    assert text.endswith(END)
    return text[: -len(END)] + vtimezone(tzid).decode()


def _variant(client: Client, type_name: str, practitioner_name: str) -> Variant:
    return Variant(
        client.timezone, client.privacy_mode, client.feed_show_phone, type_name, practitioner_name
    )


def _live(query: object, token: FeedToken, window_start: datetime) -> object:
    q = _scope(query, token, window_start)
    return q.where(Appointment.status != AppointmentStatus.CANCELLED).order_by(  # type: ignore[attr-defined]
        Appointment.starts_at, Appointment.id
    )


def build_feed(session: Session, token: FeedToken, state: FeedState) -> bytes:
    """The feed, joined from the stored event texts (stale ones rebuilt and stored).

    May write the rebuilt parts: the caller commits (or rolls back: nothing is lost).
    """
    client = session.get(Client, token.client_id)
    assert client is not None
    types, people = _names(session, client.id)
    rows = session.execute(_live(select(*part_columns()), token, state.window_start)).all()  # type: ignore[call-overload]
    variants = {
        (t, p): _variant(client, types.get(t, ""), people.get(p, ""))
        for t, p in {(row[3], row[4]) for row in rows}
    }
    parts = current_parts(session, rows, variants)
    practitioner_name = people.get(token.practitioner_id) if token.practitioner_id else None
    header = _header(client.name, client.timezone, practitioner_name)
    return "".join([header, *parts, END]).encode()


def build_feed_full(session: Session, token: FeedToken, state: FeedState) -> bytes:
    """The same feed built in one go with `icalendar` (the reference; slow)."""
    client = session.get(Client, token.client_id)
    assert client is not None
    types, people = _names(session, client.id)
    practitioner_name = people.get(token.practitioner_id) if token.practitioner_id else None
    cal = _calendar(client.name, client.timezone, practitioner_name)
    cal.add_component(_timezone_component(client.timezone))
    appointments = session.scalars(_live(select(Appointment), token, state.window_start))  # type: ignore[call-overload]
    for appt in appointments:
        variant = _variant(
            client, types.get(appt.type_id, ""), people.get(appt.practitioner_id, "")
        )
        cal.add_component(event_for(appt, variant))
    return bytes(cal.to_ical())


def fill_missing_parts(session: Session, now: datetime, limit: int = 500) -> int:
    """Build and store up to `limit` missing event parts (rows inserted in bulk, changed,
    or from before the parts were stored), soonest first, so that no feed request has
    to build thousands. Returns how many were built; the caller commits."""
    found = session.execute(
        select(Appointment, raw_updated_at())
        .where(
            Appointment.feed_part.is_(None),
            Appointment.status != AppointmentStatus.CANCELLED,
            Appointment.starts_at >= _window_start(now),
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(limit)
    ).all()
    if not found:
        return 0
    client_ids = {appt.client_id for appt, _ in found}
    clients = {c.id: c for c in session.scalars(select(Client).where(Client.id.in_(client_ids)))}
    type_ids = {appt.type_id for appt, _ in found}
    types: dict[int, str] = {
        type_id: name
        for type_id, name in session.execute(
            select(AppointmentType.id, AppointmentType.name).where(AppointmentType.id.in_(type_ids))
        )
    }
    people_ids = {appt.practitioner_id for appt, _ in found}
    people: dict[int, str] = {
        person_id: name
        for person_id, name in session.execute(
            select(Practitioner.id, Practitioner.name).where(Practitioner.id.in_(people_ids))
        )
    }
    built = [
        (
            appt,
            updated,
            _variant(
                clients[appt.client_id],
                types.get(appt.type_id, ""),
                people.get(appt.practitioner_id, ""),
            ),
        )
        for appt, updated in found
    ]
    store_parts(session, built)
    return len(built)

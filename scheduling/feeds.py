"""iCalendar feeds, per client or per practitioner (`GET /feeds/<token>.ics`).

Building 10,000 events with `icalendar` takes seconds, so each event's text is built
once per change and kept (`_PARTS`, keyed by id, UID, SEQUENCE, updated time and everything
else the text depends on); a feed is the calendar's header, the zone's VTIMEZONE (built
once per zone), and the kept parts joined. `build_feed_full` builds the same calendar in
one go with `icalendar`; a test proves both give the same bytes.

The cache is per process and only an optimisation: any worker can rebuild any part, and
a stale part is never served because the key changes whenever the text would.

The ETag comes from the client's feed version (bumped in the transaction of any change
a feed shows) and the settings the text depends on, so `If-None-Match` is answered from
one row, without building the body. DTSTAMP is the row's updated
time, so an unchanged feed is byte-identical and its strong ETag honest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone
from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from desk.models import Appointment, AppointmentType, Client, FeedToken, Practitioner
from desk.models.states import AppointmentStatus

FORMAT_VERSION = "1"  # bump when the event text changes shape: every ETag changes with it
PAST_DAYS = 92  # the feed shows appointments from about three months back onwards
REFRESH = timedelta(minutes=15)
PRODID = "-//Permanence//Agenda//FR"
PART_CACHE_SIZE = 200_000


@dataclass(frozen=True)
class Variant:
    """Everything besides the row that an event's text depends on."""

    tz: str
    privacy: bool
    show_phone: bool
    type_name: str
    practitioner_name: str


@dataclass(frozen=True)
class FeedState:
    etag: str
    last_modified: datetime
    window_start: datetime


class _Parts:
    """Kept event texts. Plain dict operations are atomic under the GIL, so no lock; when
    full it is emptied (parts are rebuilt on demand), which is simpler than an LRU and
    costs one slow feed per process in the worst case."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.data: dict[tuple[object, ...], bytes] = {}

    def get(self, key: tuple[object, ...]) -> bytes | None:
        return self.data.get(key)

    def put(self, key: tuple[object, ...], value: bytes) -> None:
        if len(self.data) >= self.size:
            self.data.clear()
        self.data[key] = value

    def clear(self) -> None:
        self.data.clear()


_PARTS = _Parts(PART_CACHE_SIZE)


def clear_cache() -> None:
    _PARTS.clear()


def feed_url(public_base_url: str, token: str) -> str:
    return f"{public_base_url.rstrip('/')}/feeds/{token}.ics"


def resolve_token(session: Session, token: str) -> FeedToken | None:
    """The live token, or None (unknown or revoked: both are a 404)."""
    row = session.scalar(select(FeedToken).where(FeedToken.token == token))
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


def vtimezone(tzid: str) -> bytes:
    """The zone's VTIMEZONE, generated once per zone per process."""
    return bytes(
        Timezone.from_tzid(tzid, first_date=date(2020, 1, 1), last_date=date(2045, 1, 1)).to_ical()
    )


def _timezone_component(tzid: str) -> Timezone:
    return Timezone.from_ical(vtimezone(tzid))  # type: ignore[return-value]


def _calendar(client: Client, practitioner_name: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = client.name if practitioner_name is None else f"{client.name} – {practitioner_name}"
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", client.timezone)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    return cal


def _header(client: Client, practitioner_name: str | None) -> bytes:
    text = bytes(_calendar(client, practitioner_name).to_ical())
    end = b"END:VCALENDAR\r\n"
    assert text.endswith(end)
    return text[: -len(end)]


def private_name(name: str) -> str:
    """ "Marie Dupont" -> "Marie D."; a single word stays as it is."""
    words = name.split()
    if len(words) < 2:
        return name.strip()
    return f"{words[0]} {words[-1][0]}."


def event_for(appt: Appointment, variant: Variant) -> Event:
    tz = ZoneInfo(variant.tz)
    patient = private_name(appt.patient_name) if variant.privacy else appt.patient_name
    description = [f"Praticien : {variant.practitioner_name}"]
    if variant.show_phone and appt.patient_phone:
        description.append(f"Téléphone : {appt.patient_phone}")
    if not variant.privacy and appt.notes:
        description.append(appt.notes)
    event = Event()
    event.add("uid", appt.uid)
    event.add("dtstamp", appt.updated_at.astimezone(UTC))
    event.add("created", appt.created_at.astimezone(UTC))
    event.add("last-modified", appt.updated_at.astimezone(UTC))
    event.add("sequence", appt.sequence)
    event.add("dtstart", appt.starts_at.astimezone(tz))
    event.add("dtend", appt.ends_at.astimezone(tz))
    event.add("summary", f"{variant.type_name} – {patient}")
    event.add("description", "\n".join(description))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _variant(
    client: Client, appt: Appointment, types: dict[int, str], people: dict[int, str]
) -> Variant:
    return Variant(
        client.timezone,
        client.privacy_mode,
        client.feed_show_phone,
        types.get(appt.type_id, ""),
        people.get(appt.practitioner_id, ""),
    )


def _live(token: FeedToken, window_start: datetime) -> object:
    q = _scope(select(Appointment), token, window_start)
    return q.where(Appointment.status != AppointmentStatus.CANCELLED).order_by(  # type: ignore[attr-defined]
        Appointment.starts_at, Appointment.id
    )


def build_feed(session: Session, token: FeedToken, state: FeedState) -> bytes:
    """The feed, assembled from kept event texts (built only for changed rows)."""
    client = session.get(Client, token.client_id)
    assert client is not None
    types, people = _names(session, client.id)
    keys_q = _scope(
        select(
            Appointment.id,
            Appointment.uid,
            Appointment.sequence,
            # The raw stored value is enough for a cache key and skips datetime parsing.
            type_coerce(Appointment.updated_at, String),
            Appointment.type_id,
            Appointment.practitioner_id,
        ),
        token,
        state.window_start,
    )
    keys_q = keys_q.where(Appointment.status != AppointmentStatus.CANCELLED).order_by(  # type: ignore[attr-defined]
        Appointment.starts_at, Appointment.id
    )
    rows = session.execute(keys_q).all()
    # Variants as strings: few distinct ones, and a str caches its hash.
    signatures: dict[tuple[int, int], str] = {}
    parts: list[bytes | None] = []
    missing: dict[int, int] = {}
    keys: list[tuple[object, ...]] = []
    get = _PARTS.get
    for i, (appt_id, uid, sequence, updated_at, type_id, practitioner_id) in enumerate(rows):
        signature = signatures.get((type_id, practitioner_id))
        if signature is None:
            signature = repr(
                Variant(
                    client.timezone,
                    client.privacy_mode,
                    client.feed_show_phone,
                    types.get(type_id, ""),
                    people.get(practitioner_id, ""),
                )
            )
            signatures[(type_id, practitioner_id)] = signature
        # The uid too: ids come back after a restore or in another database of this process.
        key = (appt_id, uid, sequence, updated_at, signature)
        keys.append(key)
        part = get(key)
        parts.append(part)
        if part is None:
            missing[appt_id] = i
    if missing:
        for appt in session.scalars(select(Appointment).where(Appointment.id.in_(list(missing)))):
            i = missing[appt.id]
            text = bytes(event_for(appt, _variant(client, appt, types, people)).to_ical())
            _PARTS.put(keys[i], text)
            parts[i] = text
    practitioner_name = people.get(token.practitioner_id) if token.practitioner_id else None
    return b"".join(
        [
            _header(client, practitioner_name),
            vtimezone(client.timezone),
            *(p or b"" for p in parts),
            b"END:VCALENDAR\r\n",
        ]
    )


def build_feed_full(session: Session, token: FeedToken, state: FeedState) -> bytes:
    """The same feed built in one go with `icalendar` (the reference; slow)."""
    client = session.get(Client, token.client_id)
    assert client is not None
    types, people = _names(session, client.id)
    practitioner_name = people.get(token.practitioner_id) if token.practitioner_id else None
    cal = _calendar(client, practitioner_name)
    cal.add_component(_timezone_component(client.timezone))
    for appt in session.scalars(_live(token, state.window_start)):  # type: ignore[call-overload]
        cal.add_component(event_for(appt, _variant(client, appt, types, people)))
    return bytes(cal.to_ical())

"""Each appointment's VEVENT text, stored with its row (`appointments.feed_part`).

A feed joins these parts, so a request builds only the events that changed since they
were last served, and a fresh worker (or another one) finds them in the database instead
of in some process's memory. Each part carries the key it was built from
(`feed_part_key`: SEQUENCE, the stored updated time, and a digest of everything else
the text depends on: zone, privacy, show-phone, type and practitioner names, format
version); a part whose key no longer matches its row is stale and rebuilt by the next
feed read, then stored again. Any ORM change the feed shows also clears the part
(`desk/models/feed_version.py`), so a change that forgets `updated_at` is caught too.

Storing is best effort: the write runs in a savepoint, and when it cannot (SQLite's
write lock held by another worker whose commit made our snapshot old), the feed is
served all the same and the parts are rebuilt by a later request.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Event
from sqlalchemy import String, Table, bindparam, select, type_coerce, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from desk.base.plain_text import free_text, one_line
from desk.models import Appointment

log = logging.getLogger(__name__)

FORMAT_VERSION = "1"  # bump when the event text changes shape: every ETag and part changes
LOAD_CHUNK = 500  # stale rows loaded per IN (…) query


@dataclass(frozen=True)
class Variant:
    """Everything besides the row that an event's text depends on."""

    tz: str
    privacy: bool
    show_phone: bool
    type_name: str
    practitioner_name: str

    def digest(self) -> str:
        seed = repr((FORMAT_VERSION, self))
        return hashlib.sha256(seed.encode()).hexdigest()[:16]


def private_name(name: str) -> str:
    """ "Marie Dupont" -> "Marie D."; a single word stays as it is."""
    words = name.split()
    if len(words) < 2:
        return name.strip()
    return f"{words[0]} {words[-1][0]}."


def event_for(appt: Appointment, variant: Variant) -> Event:
    tz = ZoneInfo(variant.tz)
    # Rows stored before names were cleaned of control characters are cleaned here.
    name = one_line(appt.patient_name)
    patient = private_name(name) if variant.privacy else name
    description = [f"Praticien : {one_line(variant.practitioner_name)}"]
    if variant.show_phone and appt.patient_phone:
        description.append(f"Téléphone : {appt.patient_phone}")
    if not variant.privacy and appt.notes:
        description.append(free_text(appt.notes))
    event = Event()
    event.add("uid", appt.uid)
    event.add("dtstamp", appt.updated_at.astimezone(UTC))
    event.add("created", appt.created_at.astimezone(UTC))
    event.add("last-modified", appt.updated_at.astimezone(UTC))
    event.add("sequence", appt.sequence)
    event.add("dtstart", appt.starts_at.astimezone(tz))
    event.add("dtend", appt.ends_at.astimezone(tz))
    event.add("summary", f"{one_line(variant.type_name)} – {patient}")
    event.add("description", "\n".join(description))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def part_key(sequence: int, updated: object, digest: str) -> str:
    """What a stored part was built from; `updated` as `part_columns` reads it."""
    return f"{sequence}|{updated}|{digest}"


def raw_updated_at() -> Any:
    # The updated time as the driver hands it over (SQLite: the stored text): enough
    # for a key, and it skips parsing 10,000 datetimes.
    return type_coerce(Appointment.updated_at, String).label("raw_updated_at")


def part_columns() -> tuple[Any, ...]:
    """What a feed reads per event: id, key inputs, and the stored part with its key."""
    return (
        Appointment.id,
        Appointment.sequence,
        raw_updated_at(),
        Appointment.type_id,
        Appointment.practitioner_id,
        Appointment.feed_part_key,
        Appointment.feed_part,
    )


def current_parts(
    session: Session,
    rows: Sequence[Any],
    variants: dict[tuple[int, int], Variant],
) -> list[str]:
    """The parts of `rows` (from `part_columns`), stale ones rebuilt and stored again.

    `variants` maps (type_id, practitioner_id) to the variant of those events.
    """
    digests = {pair: v.digest() for pair, v in variants.items()}
    parts: list[str] = []
    stale: dict[int, tuple[int, str]] = {}  # appointment id -> (index in parts, key)
    for i, (appt_id, sequence, updated, type_id, practitioner_id, old_key, part) in enumerate(rows):
        key = part_key(sequence, updated, digests[(type_id, practitioner_id)])
        if part is not None and old_key == key:
            parts.append(part)
        else:
            parts.append("")
            stale[appt_id] = (i, key)
    if stale:
        _rebuild(session, stale, parts, variants)
    return parts


def _rebuild(
    session: Session,
    stale: dict[int, tuple[int, str]],
    parts: list[str],
    variants: dict[tuple[int, int], Variant],
) -> None:
    fresh = []
    ids = sorted(stale)
    for n in range(0, len(ids), LOAD_CHUNK):
        chunk = ids[n : n + LOAD_CHUNK]
        for appt in session.scalars(select(Appointment).where(Appointment.id.in_(chunk))):
            i, key = stale[appt.id]
            variant = variants[(appt.type_id, appt.practitioner_id)]
            text = bytes(event_for(appt, variant).to_ical()).decode()
            parts[i] = text
            fresh.append({"b_id": appt.id, "b_part": text, "b_key": key})
    _store(session, fresh)


def store_parts(session: Session, built: list[tuple[Appointment, object, Variant]]) -> None:
    """Build and store the parts of (appointment, raw updated time, variant) triples."""
    fresh = []
    for appt, updated, variant in built:
        text = bytes(event_for(appt, variant).to_ical()).decode()
        key = part_key(appt.sequence, updated, variant.digest())
        fresh.append({"b_id": appt.id, "b_part": text, "b_key": key})
    _store(session, fresh)


def _store(session: Session, fresh: list[dict[str, Any]]) -> None:
    table: Table = Appointment.__table__  # type: ignore[assignment]
    # Core, on the table: no ORM flush, so the feed-version listeners stay out of it.
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(feed_part=bindparam("b_part"), feed_part_key=bindparam("b_key"))
    )
    try:
        with session.begin_nested():
            session.execute(statement, fresh)
    except OperationalError as error:
        log.info("feed parts not stored (%s rows), rebuilt next time: %s", len(fresh), error)

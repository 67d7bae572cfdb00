"""An event the practice changed (or deleted) in its own calendar while the desk had a
change to send (a 412, or a 404 on update): neither version was overwritten; a secretary
chooses which one holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import NotFound
from desk.models import CalendarConnection, CalendarEvent
from desk.models.calendars import PushState
from scheduling.busy_import import event_interval
from scheduling.calendars.queue import push_again


@dataclass(frozen=True)
class ConflictView:
    event_id: int
    calendar: str
    since: datetime | None
    # The practice's version as its calendar holds it; None when it deleted the event.
    their_start: datetime | None
    their_end: datetime | None
    their_summary: str


def _their_version(text: str | None) -> tuple[datetime | None, datetime | None, str]:
    if not text:
        return None, None, ""
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError:
        return None, None, ""
    for event in calendar.walk("VEVENT"):
        interval = event_interval(event, ZoneInfo("UTC"))
        if interval is not None:
            return interval
    return None, None, ""


def conflicts_of(session: Session, appointment_id: int) -> list[ConflictView]:
    rows = session.execute(
        select(CalendarEvent, CalendarConnection.display_name, CalendarConnection.url)
        .join(CalendarConnection, CalendarConnection.id == CalendarEvent.connection_id)
        .where(
            CalendarEvent.appointment_id == appointment_id,
            CalendarEvent.state == PushState.CONFLICT,
        )
        .order_by(CalendarEvent.id)
    )
    views = []
    for row, name, url in rows:
        start, end, summary = _their_version(row.server_copy)
        views.append(ConflictView(row.id, name or url, row.conflict_at, start, end, summary))
    return views


def resolve(
    session: Session, appointment_id: int, event_id: int, *, keep_desk: bool, now: datetime
) -> CalendarEvent:
    """`keep_desk`: the desk's appointment is written over the practice's edit (or put
    back, when deleted); else the practice's version stays and the flag goes. The caller
    commits."""
    row = session.get(CalendarEvent, event_id)
    if row is None or row.appointment_id != appointment_id:
        raise NotFound("calendar_event_not_found", "id")
    if row.state != PushState.CONFLICT:
        return row
    row.last_error = None
    if keep_desk:
        # Without an ETag the next push asks `If-None-Match: *`, finds the event ours by
        # its UID and updates it under the server's current ETag (or creates it again).
        row.etag = None
        push_again(session, row, now)
    else:
        row.state = PushState.SYNCED
        row.etag = None  # the practice's edit has an ETag we never saw: asked for next time
    return row

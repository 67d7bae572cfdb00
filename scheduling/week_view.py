"""One week of a client's calendar, laid out per local day: appointments and busy blocks
(imported from an ICS address, or pulled from a connected calendar).

Positions are minutes from the start of the shown range (local wall time), so a page can
place each item without knowing time zones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desk.base.wall_time import local_to_utc
from desk.models import (
    Appointment,
    AppointmentType,
    BusyBlock,
    CalendarBusy,
    CalendarEvent,
    Client,
    Practitioner,
)
from desk.models.calendars import PushState
from desk.models.states import AppointmentStatus
from scheduling.availability import Slot, availability

FIRST_HOUR = 7
LAST_HOUR = 21
RANGE_MINUTES = (LAST_HOUR - FIRST_HOUR) * 60


@dataclass(frozen=True)
class Item:
    kind: str  # "appointment" or "busy"
    starts_at: datetime
    ends_at: datetime
    title: str
    practitioner: str
    top: int  # minutes from FIRST_HOUR, clamped to the shown range
    height: int
    appointment_id: int | None = None
    # The practice changed (or deleted) this appointment's event in its own calendar:
    # a secretary checks which version holds (scheduling/calendars/push.py).
    flagged: bool = False


@dataclass
class Day:
    day: date
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class WeekView:
    monday: date
    days: list[Day]
    practitioners: list[Practitioner]

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _place(starts_at: datetime, ends_at: datetime, day: date, tz: ZoneInfo) -> tuple[int, int]:
    origin = local_to_utc(day, time(FIRST_HOUR), tz)
    top = int((starts_at - origin).total_seconds() // 60)
    bottom = int((ends_at - origin).total_seconds() // 60)
    top, bottom = max(0, min(top, RANGE_MINUTES)), max(0, min(bottom, RANGE_MINUTES))
    return top, max(bottom - top, 15)


def week_view(
    session: Session, client: Client, practitioner_id: int | None, any_day: date
) -> WeekView:
    """The week containing `any_day`, for one practitioner or all of the client's."""
    tz = ZoneInfo(client.timezone)
    monday = monday_of(any_day)
    days = [Day(monday + timedelta(days=i)) for i in range(7)]
    start = local_to_utc(monday, time(0), tz)
    end = local_to_utc(monday + timedelta(days=7), time(0), tz)
    practitioners = list(
        session.scalars(
            select(Practitioner)
            .where(Practitioner.client_id == client.id, Practitioner.active.is_(True))
            .order_by(Practitioner.name)
        )
    )
    names = {p.id: p.name for p in practitioners}
    appointments = select(Appointment, AppointmentType.name).join(
        AppointmentType, AppointmentType.id == Appointment.type_id
    )
    appointments = appointments.where(
        Appointment.client_id == client.id,
        Appointment.status == AppointmentStatus.BOOKED,
        Appointment.starts_at < end,
        Appointment.ends_at > start,
    )
    blocks = select(BusyBlock).where(
        BusyBlock.client_id == client.id, BusyBlock.starts_at < end, BusyBlock.ends_at > start
    )
    if practitioner_id is not None:
        appointments = appointments.where(Appointment.practitioner_id == practitioner_id)
        blocks = blocks.where(
            or_(BusyBlock.practitioner_id.is_(None), BusyBlock.practitioner_id == practitioner_id)
        )
    pulled = select(CalendarBusy).where(
        CalendarBusy.client_id == client.id,
        CalendarBusy.starts_at < end,
        CalendarBusy.ends_at > start,
    )
    if practitioner_id is not None:
        pulled = pulled.where(
            or_(
                CalendarBusy.practitioner_id.is_(None),
                CalendarBusy.practitioner_id == practitioner_id,
            )
        )
    rows = list(session.execute(appointments.order_by(Appointment.starts_at)))
    flagged = set(
        session.scalars(
            select(CalendarEvent.appointment_id).where(
                CalendarEvent.appointment_id.in_([appt.id for appt, _ in rows]),
                CalendarEvent.state == PushState.CONFLICT,
            )
        )
    )
    by_day = {d.day: d for d in days}
    for appt, type_name in rows:
        day = by_day.get(appt.starts_at.astimezone(tz).date())
        if day is not None:
            top, height = _place(appt.starts_at, appt.ends_at, day.day, tz)
            day.items.append(
                Item(
                    "appointment",
                    appt.starts_at,
                    appt.ends_at,
                    f"{type_name} · {appt.patient_name}",
                    names.get(appt.practitioner_id, ""),
                    top,
                    height,
                    appt.id,
                    appt.id in flagged,
                )
            )
    busy: list[BusyBlock | CalendarBusy] = [
        *session.scalars(blocks.order_by(BusyBlock.starts_at)),
        *session.scalars(pulled.order_by(CalendarBusy.starts_at)),
    ]
    for block in busy:
        # A block over several days is shown on each day it touches.
        for day in days:
            day_start = local_to_utc(day.day, time(0), tz)
            day_end = local_to_utc(day.day + timedelta(days=1), time(0), tz)
            if block.starts_at < day_end and block.ends_at > day_start:
                s, e = max(block.starts_at, day_start), min(block.ends_at, day_end)
                top, height = _place(s, e, day.day, tz)
                name = names.get(block.practitioner_id, "") if block.practitioner_id else ""
                day.items.append(Item("busy", s, e, block.summary, name, top, height))
    for day in days:
        day.items.sort(key=lambda i: (i.starts_at, i.kind))
    return WeekView(monday, days, practitioners)


def week_slots(
    session: Session,
    client: Client,
    practitioner_id: int,
    type_id: int,
    any_day: date,
    now: datetime,
) -> list[Slot]:
    """Free slots of the local week (Monday to Sunday) containing `any_day`."""
    tz = ZoneInfo(client.timezone)
    monday = monday_of(any_day)
    return availability(
        session,
        client_id=client.id,
        practitioner_id=practitioner_id,
        type_id=type_id,
        start=local_to_utc(monday, time(0), tz),
        end=local_to_utc(monday + timedelta(days=7), time(0), tz),
        now=now,
    )

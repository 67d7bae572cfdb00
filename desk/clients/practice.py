"""The practice behind a client: practitioners, their weekly hours, appointment types,
closures. Plain functions over a session; they flush, the caller commits."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base import checks
from desk.base.errors import DomainError, NotFound
from desk.models import AppointmentType, Client, Closure, OpeningHours, Practitioner, User


def practice_rows(
    session: Session, client: Client
) -> tuple[list[AppointmentType], list[Closure], list[User]]:
    """The client page's practice sections: active appointment types, closures, logins."""
    types = session.scalars(
        select(AppointmentType)
        .where(AppointmentType.client_id == client.id, AppointmentType.active.is_(True))
        .order_by(AppointmentType.name)
    )
    closures = session.scalars(
        select(Closure).where(Closure.client_id == client.id).order_by(Closure.starts_on)
    )
    users = session.scalars(select(User).where(User.client_id == client.id).order_by(User.email))
    return list(types), list(closures), list(users)


def add_practitioner(
    session: Session, client: Client, name: str, specialty: str = ""
) -> Practitioner:
    row = Practitioner(
        client_id=client.id,
        name=checks.text(name, "name"),
        specialty=checks.text(specialty, "specialty", required=False),
    )
    session.add(row)
    session.flush()
    return row


def practitioner_of(session: Session, client: Client, practitioner_id: int) -> Practitioner:
    row = session.get(Practitioner, practitioner_id)
    if row is None or row.client_id != client.id:
        raise DomainError("practitioner_unknown", field="practitioner", value=practitioner_id)
    return row


def practitioner_by_name(session: Session, client: Client, name: str) -> Practitioner:
    row = session.scalar(
        select(Practitioner).where(
            Practitioner.client_id == client.id, Practitioner.name == name.strip()
        )
    )
    if row is None:
        raise DomainError("practitioner_unknown", field="practitioners", value=name)
    return row


def add_opening_hours(
    session: Session, practitioner: Practitioner, weekdays: list[int], start: time, end: time
) -> list[OpeningHours]:
    """One row per weekday; a practitioner's hours never cross midnight."""
    if not weekdays or any(not 0 <= d <= 6 for d in weekdays):
        raise DomainError("weekdays_required", field="weekdays")
    if end <= start:
        raise DomainError("hours_reversed", field="end")
    rows = [
        OpeningHours(practitioner_id=practitioner.id, weekday=d, start_local=start, end_local=end)
        for d in sorted(set(weekdays))
    ]
    session.add_all(rows)
    session.flush()
    return rows


def add_appointment_type(
    session: Session,
    client: Client,
    name: str,
    duration: object,
    buffer: object = 0,
    practitioner_ids: list[int] | None = None,
) -> AppointmentType:
    """A type of appointment; `practitioner_ids` empty means every practitioner offers it."""
    clean_name = checks.text(name, "name")
    taken = session.scalar(
        select(AppointmentType.id).where(
            AppointmentType.client_id == client.id, AppointmentType.name == clean_name
        )
    )
    if taken is not None:
        raise DomainError("type_taken", field="name", value=clean_name)
    practitioners = [
        practitioner_of(session, client, pid) for pid in dict.fromkeys(practitioner_ids or [])
    ]
    row = AppointmentType(
        client_id=client.id,
        name=clean_name,
        duration_minutes=checks.minutes(duration, "duration_minutes", low=5, high=480),
        buffer_minutes=checks.minutes(buffer, "buffer_minutes", low=0, high=240),
    )
    row.practitioners = practitioners
    session.add(row)
    session.flush()
    return row


def add_closure(
    session: Session,
    client: Client,
    starts_on: date,
    ends_on: date,
    reason: str = "",
    practitioner_id: int | None = None,
) -> Closure:
    if ends_on < starts_on:
        raise DomainError("dates_reversed", field="ends_on")
    if practitioner_id is not None:
        practitioner_of(session, client, practitioner_id)
    row = Closure(
        client_id=client.id,
        practitioner_id=practitioner_id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=checks.text(reason, "reason", required=False),
    )
    session.add(row)
    session.flush()
    return row


PARTS: dict[str, type[OpeningHours] | type[AppointmentType] | type[Closure]] = {
    "hours": OpeningHours,
    "type": AppointmentType,
    "closure": Closure,
}


def remove_practice_part(session: Session, client: Client, kind: str, part_id: int) -> None:
    """Remove opening hours or a closure; an appointment type is deactivated (bookings
    point at it)."""
    model = PARTS.get(kind)
    row = session.get(model, part_id) if model is not None else None
    owner = (
        row.practitioner.client_id
        if isinstance(row, OpeningHours)
        else getattr(row, "client_id", None)
    )
    if row is None or owner != client.id:
        raise NotFound("not_found")
    if isinstance(row, AppointmentType):
        row.active = False
    else:
        session.delete(row)
    session.flush()


def set_practitioner_active(practitioner: Practitioner, active: bool) -> Practitioner:
    practitioner.active = active
    return practitioner


def active_appointment_types(session: Session, client: Client) -> list[AppointmentType]:
    """The client's appointment types that can be booked, in the order they were made."""
    return list(
        session.scalars(
            select(AppointmentType)
            .where(AppointmentType.client_id == client.id, AppointmentType.active.is_(True))
            .order_by(AppointmentType.id)
        )
    )

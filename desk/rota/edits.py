"""Admin edits of the rota: shifts, overrides (someone takes a shift) and absences.

Plain functions; they flush, the caller commits. Bad input raises DomainError naming
the field, so the form shows the message next to it.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from desk.base.errors import DomainError, NotFound
from desk.base.wall_time import format_weekdays, local_to_utc, parse_weekdays
from desk.models import Client, Override, Secretary, Shift, Training
from desk.rota.changes import add_absence, check_available, remove_absence, remove_override


def trained_secretaries(session: Session, client: Client) -> list[Secretary]:
    """Who may be put on this client's rota, by name."""
    found = session.scalars(
        select(Secretary)
        .join(Training, Training.secretary_id == Secretary.id)
        .where(Training.client_id == client.id)
        .order_by(Secretary.name)
    )
    return list(found)


def shifts_of(session: Session, client: Client) -> list[Shift]:
    """The client's weekly shifts, each with its secretary loaded (named in every label)."""
    found = session.scalars(
        select(Shift)
        .options(joinedload(Shift.secretary))
        .where(Shift.client_id == client.id)
        .order_by(Shift.weekdays, Shift.start_local, Shift.rank)
    )
    return list(found)


def _trained(session: Session, client: Client, secretary_id: int, field: str) -> Secretary:
    secretary = session.get(Secretary, secretary_id)
    trained = session.scalar(
        select(Training).where(
            Training.client_id == client.id, Training.secretary_id == secretary_id
        )
    )
    if secretary is None or trained is None:
        raise DomainError("secretary_not_trained", field=field)
    return secretary


def add_shift(
    session: Session,
    client: Client,
    *,
    secretary_id: int,
    weekdays: list[int],
    start: time,
    end: time,
    rank: int = 1,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Shift:
    _trained(session, client, secretary_id, "secretary")
    if not weekdays:
        raise DomainError("weekdays_required", field="weekdays")
    if start == end:
        raise DomainError("end_equals_start", field="end")
    shift = Shift(
        secretary_id=secretary_id,
        client_id=client.id,
        weekdays=format_weekdays(weekdays),
        start_local=start,
        end_local=end,
        rank=rank,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    session.add(shift)
    session.flush()
    return shift


def client_shift(session: Session, client: Client, shift_id: int) -> Shift:
    shift = session.get(Shift, shift_id)
    if shift is None or shift.client_id != client.id:
        raise NotFound("shift_not_found")
    return shift


def remove_shift(session: Session, client: Client, shift_id: int) -> None:
    session.delete(client_shift(session, client, shift_id))
    session.flush()


def take_shift(
    session: Session,
    client: Client,
    *,
    shift_id: int,
    replacement_id: int,
    day: date,
    note: str = "",
) -> Override:
    """`replacement` takes the shift's occurrence on local `day`."""
    shift = client_shift(session, client, shift_id)
    if day.weekday() not in parse_weekdays(shift.weekdays):
        raise DomainError("shift_not_on_day", field="day")
    _trained(session, client, replacement_id, "replacement")
    if replacement_id == shift.secretary_id:
        raise DomainError("already_her_shift", field="replacement")
    tz = ZoneInfo(client.timezone)
    end_day = day if shift.end_local > shift.start_local else day + timedelta(days=1)
    starts_at = local_to_utc(day, shift.start_local, tz)
    ends_at = local_to_utc(end_day, shift.end_local, tz)
    check_available(session, replacement_id, starts_at, ends_at, "replacement")
    override = Override(
        shift_id=shift.id,
        original_secretary_id=shift.secretary_id,
        replacement_secretary_id=replacement_id,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
    )
    session.add(override)
    session.flush()
    return override


__all__ = [
    "add_absence",
    "add_shift",
    "client_shift",
    "remove_absence",
    "remove_override",
    "remove_shift",
    "take_shift",
]

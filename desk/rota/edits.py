"""Admin edits of the rota: shifts, overrides (someone takes a shift) and absences.

Plain functions; they flush, the caller commits. Bad input raises DomainError naming
the field, so the form shows the message next to it.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError, NotFound
from desk.base.wall_time import format_weekdays, local_to_utc, parse_weekdays
from desk.models import Absence, Client, Override, Secretary, Shift, Training


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
    override = Override(
        shift_id=shift.id,
        original_secretary_id=shift.secretary_id,
        replacement_secretary_id=replacement_id,
        starts_at=local_to_utc(day, shift.start_local, tz),
        ends_at=local_to_utc(end_day, shift.end_local, tz),
        note=note,
    )
    session.add(override)
    session.flush()
    return override


def add_absence(
    session: Session,
    client: Client,
    *,
    secretary_id: int,
    first_day: date,
    last_day: date,
    kind: str = "leave",
    note: str = "",
) -> Absence:
    """Whole local days, inclusive, in the client's time zone."""
    _trained(session, client, secretary_id, "secretary")
    if last_day < first_day:
        raise DomainError("last_day_before_first", field="last_day")
    tz = ZoneInfo(client.timezone)
    absence = Absence(
        secretary_id=secretary_id,
        starts_at=local_to_utc(first_day, time(0), tz),
        ends_at=local_to_utc(last_day + timedelta(days=1), time(0), tz),
        kind=kind,
        note=note,
    )
    session.add(absence)
    session.flush()
    return absence


def remove_override(session: Session, client: Client, override_id: int) -> None:
    override = session.get(Override, override_id)
    if override is None or override.shift_id is None:
        raise NotFound("override_not_found")
    client_shift(session, client, override.shift_id)  # 404 unless the client's
    session.delete(override)
    session.flush()


def remove_absence(session: Session, client: Client, absence_id: int) -> None:
    absence = session.get(Absence, absence_id)
    if absence is None:
        raise NotFound("absence_not_found")
    try:
        _trained(session, client, absence.secretary_id, "secretary")
    except DomainError:
        raise NotFound("absence_not_found") from None
    session.delete(absence)
    session.flush()

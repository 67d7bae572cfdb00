"""Changes to the rota: replacements (overrides) and absences, listed, added, edited, removed.

A replacement is refused when the replacement is inactive or absent for part of it: the
rota would show her, routing would skip her, and the stretch would silently be a gap.
Plain functions; they flush, the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import CompoundSelect, or_, select, union
from sqlalchemy.orm import Session, aliased

from desk.base.errors import DomainError, NotFound
from desk.base.wall_time import local_date, local_to_utc
from desk.models import Absence, Client, Override, Secretary, Shift, Training
from desk.models.states import AbsenceKind

ABSENCE_KINDS = tuple(AbsenceKind)


@dataclass(frozen=True)
class Replacement:
    id: int
    client_id: int | None
    shift_id: int | None
    original_id: int
    original: str
    replacement_id: int
    replacement: str
    starts_at: datetime
    ends_at: datetime
    note: str


@dataclass(frozen=True)
class AbsenceRow:
    id: int
    secretary_id: int
    secretary: str
    first_day: date  # local days of the client, inclusive
    last_day: date
    starts_at: datetime
    ends_at: datetime
    kind: str
    note: str


def _people(client: Client) -> CompoundSelect[tuple[int]]:
    """Ids of everyone who works for the client: trained for it, or holding its shifts."""
    return union(
        select(Training.secretary_id).where(Training.client_id == client.id),
        select(Shift.secretary_id).where(Shift.client_id == client.id),
    )


def check_available(
    session: Session, secretary_id: int, starts_at: datetime, ends_at: datetime, field: str
) -> Secretary:
    """The secretary, when she can take duty over [starts_at, ends_at); else a DomainError."""
    secretary = session.get(Secretary, secretary_id)
    if secretary is None:
        raise NotFound("not_found", field=field)
    if not secretary.active:
        raise DomainError("rota_replacement_inactive", field=field, name=secretary.name)
    absent = session.scalar(
        select(Absence).where(
            Absence.secretary_id == secretary_id,
            Absence.starts_at < ends_at,
            Absence.ends_at > starts_at,
        )
    )
    if absent is not None:
        raise DomainError("rota_replacement_absent", field=field, name=secretary.name)
    return secretary


def replacements(
    session: Session, client: Client, start: datetime, end: datetime
) -> list[Replacement]:
    """The client's replacements overlapping [start, end), by start."""
    original, replacement = aliased(Secretary), aliased(Secretary)
    rows = session.execute(
        select(Override, original.name, replacement.name)
        .join(original, Override.original_secretary_id == original.id)
        .join(replacement, Override.replacement_secretary_id == replacement.id)
        .outerjoin(Shift, Override.shift_id == Shift.id)
        .where(
            or_(
                Shift.client_id == client.id,
                Override.shift_id.is_(None)
                & or_(Override.client_id.is_(None), Override.client_id == client.id)
                & Override.original_secretary_id.in_(_people(client)),
            ),
            Override.starts_at < end,
            Override.ends_at > start,
        )
        .order_by(Override.starts_at, Override.id)
    ).all()
    return [
        Replacement(
            o.id,
            o.client_id,
            o.shift_id,
            o.original_secretary_id,
            orig,
            o.replacement_secretary_id,
            repl,
            o.starts_at,
            o.ends_at,
            o.note,
        )
        for o, orig, repl in rows
    ]


def absences(session: Session, client: Client, start: datetime, end: datetime) -> list[AbsenceRow]:
    """Absences of the client's people overlapping [start, end), by start."""
    tz = ZoneInfo(client.timezone)
    rows = session.execute(
        select(Absence, Secretary.name)
        .join(Secretary, Absence.secretary_id == Secretary.id)
        .where(
            Absence.secretary_id.in_(_people(client)),
            Absence.starts_at < end,
            Absence.ends_at > start,
        )
        .order_by(Absence.starts_at, Absence.id)
    ).all()
    return [
        AbsenceRow(
            a.id,
            a.secretary_id,
            name,
            *local_days(a.starts_at, a.ends_at, tz),
            a.starts_at,
            a.ends_at,
            a.kind,
            a.note,
        )
        for a, name in rows
    ]


def client_override(session: Session, client: Client, override_id: int) -> Override:
    """The override when it belongs to the client (404 otherwise, as if it did not exist)."""
    override = session.get(Override, override_id)
    if override is None:
        raise NotFound("not_found")
    if override.shift_id is not None:
        shift = session.get(Shift, override.shift_id)
        mine = shift is not None and shift.client_id == client.id
    else:
        mine = override.client_id in (None, client.id) and override.original_secretary_id in set(
            session.scalars(_people(client))
        )
    if not mine:
        raise NotFound("not_found")
    return override


def client_absence(session: Session, client: Client, absence_id: int) -> Absence:
    absence = session.get(Absence, absence_id)
    people = set(session.scalars(_people(client)))
    if absence is None or absence.secretary_id not in people:
        raise NotFound("not_found")
    return absence


def _trained(session: Session, client: Client, secretary_id: int, field: str) -> Secretary:
    secretary = session.get(Secretary, secretary_id)
    if secretary is None or secretary_id not in set(session.scalars(_people(client))):
        raise DomainError("rota_not_trained", field=field)
    return secretary


def _period(starts_at: datetime, ends_at: datetime, field: str) -> None:
    if ends_at <= starts_at:
        raise DomainError("rota_end_before_start", field=field)


def add_override(
    session: Session,
    client: Client,
    *,
    original_id: int,
    replacement_id: int,
    starts_at: datetime,
    ends_at: datetime,
    note: str = "",
) -> Override:
    """`replacement` takes all of `original`'s duty for the client over a UTC period."""
    _trained(session, client, original_id, "replaced")
    _trained(session, client, replacement_id, "replacement")
    if original_id == replacement_id:
        raise DomainError("rota_same_secretary", field="replacement")
    _period(starts_at, ends_at, "ends_at")
    check_available(session, replacement_id, starts_at, ends_at, "replacement")
    override = Override(
        client_id=client.id,
        original_secretary_id=original_id,
        replacement_secretary_id=replacement_id,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
    )
    session.add(override)
    session.flush()
    return override


def edit_override(
    session: Session,
    client: Client,
    override_id: int,
    *,
    replacement_id: int,
    starts_at: datetime,
    ends_at: datetime,
    note: str = "",
) -> Override:
    override = client_override(session, client, override_id)
    _trained(session, client, replacement_id, "replacement")
    if replacement_id == override.original_secretary_id:
        raise DomainError("rota_same_secretary", field="replacement")
    _period(starts_at, ends_at, "ends_at")
    check_available(session, replacement_id, starts_at, ends_at, "replacement")
    override.replacement_secretary_id = replacement_id
    override.starts_at, override.ends_at, override.note = starts_at, ends_at, note
    session.flush()
    return override


def remove_override(session: Session, client: Client, override_id: int) -> None:
    session.delete(client_override(session, client, override_id))
    session.flush()


def local_days(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> tuple[date, date]:
    """The first and last local days (inclusive) of a UTC period."""
    return local_date(starts_at, tz), local_date(ends_at - timedelta(microseconds=1), tz)


def days_to_utc(tz: ZoneInfo, first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """Whole local days, inclusive, as a UTC period."""
    if last_day < first_day:
        raise DomainError("last_day_before_first", field="last_day")
    return local_to_utc(first_day, time(0), tz), local_to_utc(
        last_day + timedelta(days=1), time(0), tz
    )


def add_absence(
    session: Session,
    client: Client,
    *,
    secretary_id: int,
    first_day: date,
    last_day: date,
    kind: str = AbsenceKind.LEAVE,
    note: str = "",
) -> Absence:
    """Whole local days, inclusive, in the client's time zone."""
    _trained(session, client, secretary_id, "secretary")
    if kind not in ABSENCE_KINDS:
        raise DomainError("rota_absence_kind", field="kind")
    starts_at, ends_at = days_to_utc(ZoneInfo(client.timezone), first_day, last_day)
    absence = Absence(
        secretary_id=secretary_id, starts_at=starts_at, ends_at=ends_at, kind=kind, note=note
    )
    session.add(absence)
    session.flush()
    return absence


def edit_absence(
    session: Session,
    client: Client,
    absence_id: int,
    *,
    first_day: date,
    last_day: date,
    kind: str = AbsenceKind.LEAVE,
    note: str = "",
) -> Absence:
    absence = client_absence(session, client, absence_id)
    if kind not in ABSENCE_KINDS:
        raise DomainError("rota_absence_kind", field="kind")
    absence.starts_at, absence.ends_at = days_to_utc(ZoneInfo(client.timezone), first_day, last_day)
    absence.kind, absence.note = kind, note
    session.flush()
    return absence


def remove_absence(session: Session, client: Client, absence_id: int) -> None:
    session.delete(client_absence(session, client, absence_id))
    session.flush()

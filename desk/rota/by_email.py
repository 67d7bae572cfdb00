"""Rota changes named the way a script names them: secretaries by e-mail, clients by slug.

`desk rota absence|override …` call these. An absence belongs to a secretary, not to a
client: its whole days are read in the time zone of the first client she works for
(Europe/Paris when none), as the rota page reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError, NotFound
from desk.models import Absence, Client, Override, Secretary, Training
from desk.models.states import AbsenceKind
from desk.rota import changes

DEFAULT_TZ = "Europe/Paris"
EPOCH = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))
FOREVER = datetime(9999, 1, 1, tzinfo=ZoneInfo("UTC"))


@dataclass(frozen=True)
class Listed:
    """One line of `list`: its fields for --json, and the line a person reads."""

    data: dict[str, Any]
    line: str


def secretary_by_email(session: Session, email: str) -> Secretary:
    found = session.scalar(
        select(Secretary).where(func.lower(Secretary.email) == email.strip().lower())
    )
    if found is None:
        raise NotFound("rota_unknown_secretary", email=email)
    return found


def client_by_slug(session: Session, slug: str) -> Client:
    found = session.scalar(select(Client).where(Client.slug == slug))
    if found is None:
        raise NotFound("rota_unknown_client", slug=slug)
    return found


def _tz_of(session: Session, secretary: Secretary) -> ZoneInfo:
    tz = session.scalar(
        select(Client.timezone)
        .join(Training, Training.client_id == Client.id)
        .where(Training.secretary_id == secretary.id)
        .order_by(Client.id)
        .limit(1)
    )
    return ZoneInfo(tz or DEFAULT_TZ)


def parse_instant(text: str, tz: ZoneInfo, field: str) -> datetime:
    """ISO 8601; without an offset, the client's wall time."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise DomainError("rota_bad_instant", field=field, value=text) from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=tz)
    return at.astimezone(ZoneInfo("UTC"))


def add_absence(
    session: Session, email: str, first_day: date, last_day: date, reason: str = ""
) -> Absence:
    secretary = secretary_by_email(session, email)
    starts_at, ends_at = changes.days_to_utc(_tz_of(session, secretary), first_day, last_day)
    absence = Absence(
        secretary_id=secretary.id,
        starts_at=starts_at,
        ends_at=ends_at,
        kind=AbsenceKind.LEAVE,
        note=reason,
    )
    session.add(absence)
    session.flush()
    return absence


def list_absences(session: Session, email: str | None, since: datetime) -> list[Listed]:
    query = (
        select(Absence, Secretary)
        .join(Secretary, Absence.secretary_id == Secretary.id)
        .where(Absence.ends_at > since)
        .order_by(Absence.starts_at, Absence.id)
    )
    if email:
        query = query.where(Absence.secretary_id == secretary_by_email(session, email).id)
    found = []
    for absence, secretary in session.execute(query).all():
        tz = _tz_of(session, secretary)
        first, last = changes.local_days(absence.starts_at, absence.ends_at, tz)
        data = {
            "id": absence.id,
            "secretary": secretary.email,
            "name": secretary.name,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "kind": absence.kind,
            "reason": absence.note,
        }
        why = f"  {absence.note}" if absence.note else ""
        found.append(Listed(data, f"{absence.id}  {secretary.name}  {first} → {last}{why}"))
    return found


def remove_absence(session: Session, absence_id: int) -> None:
    absence = session.get(Absence, absence_id)
    if absence is None:
        raise NotFound("rota_unknown_absence", id=absence_id)
    session.delete(absence)
    session.flush()


def add_override(
    session: Session, slug: str, replaced: str, by: str, start: str, end: str, note: str = ""
) -> Override:
    client = client_by_slug(session, slug)
    tz = ZoneInfo(client.timezone)
    return changes.add_override(
        session,
        client,
        original_id=secretary_by_email(session, replaced).id,
        replacement_id=secretary_by_email(session, by).id,
        starts_at=parse_instant(start, tz, "from"),
        ends_at=parse_instant(end, tz, "to"),
        note=note,
    )


def list_overrides(session: Session, slug: str | None, since: datetime) -> list[Listed]:
    clients = (
        [client_by_slug(session, slug)]
        if slug
        else list(session.scalars(select(Client).order_by(Client.slug)))
    )
    found: list[Listed] = []
    seen: set[int] = set()
    for client in clients:
        tz = ZoneInfo(client.timezone)
        for r in changes.replacements(session, client, since, FOREVER):
            if r.id in seen:
                continue
            seen.add(r.id)
            emails = dict(
                session.execute(
                    select(Secretary.id, Secretary.email).where(
                        Secretary.id.in_((r.original_id, r.replacement_id))
                    )
                ).all()
            )
            data = {
                "id": r.id,
                "client": client.slug,
                "replaced": emails.get(r.original_id),
                "by": emails.get(r.replacement_id),
                "from": r.starts_at.astimezone(tz).isoformat(),
                "to": r.ends_at.astimezone(tz).isoformat(),
                "note": r.note,
            }
            line = (
                f"{r.id}  {client.slug}  {r.replacement} replaces {r.original}  "
                f"{r.starts_at.astimezone(tz):%Y-%m-%d %H:%M} → "
                f"{r.ends_at.astimezone(tz):%Y-%m-%d %H:%M}"
            )
            found.append(Listed(data, line))
    return found


def remove_override(session: Session, override_id: int) -> None:
    override = session.get(Override, override_id)
    if override is None:
        raise NotFound("rota_unknown_override", id=override_id)
    session.delete(override)
    session.flush()

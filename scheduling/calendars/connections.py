"""Connecting a practice's calendar: check it, keep it (password sealed), list, disconnect.

Checking talks to the server (discovery, then a PROPFIND of the chosen calendar) and
happens before anything is written, so a wrong password or an unknown URL leaves no row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from desk.base.errors import DomainError, NotFound
from desk.models import CalendarBusy, CalendarConnection, CalendarEvent, Client, Practitioner
from desk.models.calendars import ConnectionKind, ConnectionState, PushState
from scheduling.calendars.dav import Dav, Found
from scheduling.calendars.queue import queue_upcoming
from scheduling.safe_fetch import Network

MAILTO = "mailto:"


def practitioner_by_name(session: Session, client_id: int, name: str) -> Practitioner:
    wanted = " ".join(name.split()).casefold()
    for row in session.scalars(select(Practitioner).where(Practitioner.client_id == client_id)):
        if row.name.casefold() == wanted or str(row.id) == wanted:
            return row
    raise NotFound("practitioner_not_found", "practitioner", name=name)


def check(
    url: str,
    username: str,
    password: str,
    *,
    calendar: str = "",
    trusted: Sequence[Network] = (),
) -> Found:
    """The calendar the connection will write into, found from `url` (a calendar, a
    principal, or a server's base URL). Several calendars: `calendar` names one (its
    display name or URL), else an error lists them."""
    with Dav(url, username, password, trusted=trusted) as dav:
        found = dav.discover()
    if calendar:
        chosen = [f for f in found if calendar in (f.name, f.url)]
        if not chosen:
            raise DomainError(
                "calendar_choice_unknown", "calendar", names=", ".join(f.name for f in found)
            )
        return chosen[0]
    if not found:
        raise DomainError("calendar_none_found", "url")
    if len(found) > 1:
        raise DomainError("calendar_choose_one", "calendar", names=", ".join(f.name for f in found))
    return found[0]


def invitation_address(url: str) -> str | None:
    """`mailto:dr@example.org` -> the address (normalised); None for any other URL."""
    if not url.lower().startswith(MAILTO):
        return None
    try:
        return validate_email(url[len(MAILTO) :], check_deliverability=False).normalized
    except EmailNotValidError:
        raise DomainError("calendar_address_invalid", "url") from None


def add_connection(
    session: Session,
    *,
    client_id: int,
    practitioner_id: int | None,
    found: Found | None,
    address: str | None = None,
    username: str = "",
    sealed_password: str = "",
    now: datetime,
) -> CalendarConnection:
    """Keep a checked calendar (`found`), its upcoming appointments queued for it, or an
    invitation address. The caller commits."""
    if found is not None:
        row = CalendarConnection(
            kind=ConnectionKind.CALDAV,
            url=found.url,
            display_name=found.name[:200],
            username=username,
            password_encrypted=sealed_password,
        )
    elif address:
        # For an invitation, `username` is the ORGANIZER: the desk's sending address.
        row = CalendarConnection(
            kind=ConnectionKind.INVITATION, url=f"{MAILTO}{address}", username=username
        )
    else:
        raise DomainError("calendar_url_invalid", "url")
    row.client_id = client_id
    row.practitioner_id = practitioner_id
    row.state = ConnectionState.ACTIVE
    row.created_at = now
    session.add(row)
    session.flush()
    if row.kind == ConnectionKind.CALDAV:
        queue_upcoming(session, row, now)
    return row


@dataclass(frozen=True)
class ConnectionView:
    id: int
    client: str
    practitioner: str | None
    kind: str
    url: str
    calendar: str
    username: str
    state: str
    last_push_at: datetime | None
    last_pull_at: datetime | None
    last_error: str | None
    pending: int
    conflicts: int

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "client": self.client,
            "practitioner": self.practitioner,
            "kind": self.kind,
            "url": self.url,
            "calendar": self.calendar,
            "username": self.username,
            "state": self.state,
            "last_push_at": self.last_push_at.isoformat() if self.last_push_at else None,
            "last_pull_at": self.last_pull_at.isoformat() if self.last_pull_at else None,
            "last_error": self.last_error,
            "pending": self.pending,
            "conflicts": self.conflicts,
        }


def list_connections(
    session: Session, client_id: int | None = None, *, include_disconnected: bool = False
) -> list[ConnectionView]:
    query = (
        select(CalendarConnection, Client.slug, Practitioner.name)
        .join(Client, Client.id == CalendarConnection.client_id)
        .outerjoin(Practitioner, Practitioner.id == CalendarConnection.practitioner_id)
        .order_by(Client.slug, CalendarConnection.id)
    )
    if client_id is not None:
        query = query.where(CalendarConnection.client_id == client_id)
    if not include_disconnected:
        query = query.where(CalendarConnection.state != ConnectionState.DISCONNECTED)
    counts: dict[tuple[int, str], int] = {
        (connection_id, state): count
        for connection_id, state, count in session.execute(
            select(CalendarEvent.connection_id, CalendarEvent.state, func.count())
            .where(
                or_(
                    CalendarEvent.state == PushState.CONFLICT,
                    CalendarEvent.state == PushState.PENDING,
                    CalendarEvent.state == PushState.PUSHING,
                )
            )
            .group_by(CalendarEvent.connection_id, CalendarEvent.state)
        )
    }
    return [
        ConnectionView(
            id=row.id,
            client=slug,
            practitioner=practitioner,
            kind=row.kind,
            url=row.url,
            calendar=row.display_name,
            username=row.username,
            state=row.state,
            last_push_at=row.last_push_at,
            last_pull_at=row.last_pull_at,
            last_error=row.last_error,
            pending=counts.get((row.id, PushState.PENDING), 0)
            + counts.get((row.id, PushState.PUSHING), 0),
            conflicts=counts.get((row.id, PushState.CONFLICT), 0),
        )
        for row, slug, practitioner in session.execute(query)
    ]


def due_now(session: Session, client_id: int | None, now: datetime) -> list[int]:
    """The live connections (of one client, or all), their pending events made due now
    (a retry waiting for its backoff goes at once). The caller commits."""
    query = select(CalendarConnection.id).where(
        CalendarConnection.state != ConnectionState.DISCONNECTED
    )
    if client_id is not None:
        query = query.where(CalendarConnection.client_id == client_id)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(CalendarEvent)
            .where(
                CalendarEvent.connection_id.in_(ids),
                CalendarEvent.state.in_((PushState.PENDING, PushState.FAILED)),
            )
            .values(state=PushState.PENDING, next_attempt_at=now, attempts=0)
        )
    return ids


def disconnect(
    session: Session, connection_id: int, now: datetime, client_id: int | None = None
) -> CalendarConnection:
    """Stop pushing and pulling; the password is forgotten, the busy times dropped, the
    history (events pushed) kept. Disconnecting twice changes nothing."""
    row = session.get(CalendarConnection, connection_id)
    if row is None or (client_id is not None and row.client_id != client_id):
        raise NotFound("calendar_connection_not_found", "id")
    if row.state == ConnectionState.DISCONNECTED:
        return row
    row.state = ConnectionState.DISCONNECTED
    row.disconnected_at = now
    row.password_encrypted = ""
    session.execute(delete(CalendarBusy).where(CalendarBusy.connection_id == row.id))
    session.flush()
    return row

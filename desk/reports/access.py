"""Whose activity a user may read: admin all, a secretary her own calls, a client its own."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from desk.clients.access import client_for
from desk.models import Client, User
from desk.reports.desk_measures import desk_activity
from desk.reports.facts import Scope
from desk.reports.measures import Activity, activity
from desk.reports.periods import DESK_TIMEZONE, period

DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class Report:
    activity: Activity
    client: Client | None
    secretary_only: bool  # the figures are one secretary's own calls


def default_period(today: date, weeks: int = DEFAULT_WEEKS) -> tuple[date, date]:
    """The last `weeks` whole weeks and this one so far."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=weeks), today


def report_for(
    session: Session,
    user: User,
    client_id: int | None,
    first: date,
    last: date,
) -> Report:
    """The activity `user` may read; another tenant's client is NotFound (404). The
    whole desk's: the roll-ups the `call-hours` job keeps, the rest counted (`desk_activity`)."""
    client = client_for(session, user, client_id) if client_id is not None else None
    if user.role == "client":
        client = client or client_for(session, user, user.client_id or 0)
    clients: tuple[int, ...] | None = (client.id,) if client is not None else None
    secretary_id = user.secretary_id if user.role == "secretary" else None
    if user.role not in ("admin", "secretary", "client") or (
        user.role == "secretary" and secretary_id is None
    ):
        clients = ()
    tz = client.timezone if client is not None else DESK_TIMEZONE
    asked = period(first, last, tz)
    if clients is None and secretary_id is None:  # the whole desk: counted by the database
        found = desk_activity(session, asked)
    else:
        found = activity(session, Scope(clients, secretary_id), asked)
    if secretary_id is not None:  # her own load, not her colleagues'
        found = replace(
            found, secretaries=[s for s in found.secretaries if s.secretary_id == secretary_id]
        )
    return Report(found, client, secretary_id is not None)

"""Turning what a user asked for (a client slug, two dates) into a scope and a period."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError, NotFound
from desk.models import Client
from desk.reports.facts import Period, Scope
from desk.reports.measures import Activity, activity

DESK_TIMEZONE = "Europe/Paris"
MAX_DAYS = 400


def period(first: date, last: date, timezone: str = DESK_TIMEZONE) -> Period:
    if last < first:
        raise DomainError("report_period", "to")
    if (last - first).days >= MAX_DAYS:
        raise DomainError("report_period_long", "to", days=MAX_DAYS)
    return Period(first, last, ZoneInfo(timezone))


def client_by_slug(session: Session, slug: str) -> Client:
    client = session.scalar(select(Client).where(Client.slug == slug))
    if client is None:
        raise NotFound("report_client", "client", slug=slug)
    return client


def client_activity(session: Session, client: Client, first: date, last: date) -> Activity:
    """One client's activity over its local days `first`..`last`."""
    return activity(session, Scope((client.id,)), period(first, last, client.timezone))


def activity_by_slug(session: Session, slug: str, first: date, last: date) -> Activity:
    return client_activity(session, client_by_slug(session, slug), first, last)

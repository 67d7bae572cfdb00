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
# Years a desk can have calls in: outside them a date is a typing slip (and year 1 or
# 9999 would overflow once turned into UTC instants).
FIRST_YEAR, LAST_YEAR = 2000, 2199


def period(first: date, last: date, timezone: str = DESK_TIMEZONE) -> Period:
    for field, day in (("from", first), ("to", last)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise DomainError("report_year", field, first=FIRST_YEAR, last=LAST_YEAR)
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

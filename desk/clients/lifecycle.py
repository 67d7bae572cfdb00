"""A client's life: created (blank, or by copying another's settings), listed, archived.

Coverage starts on an accepted quote (desk.billing.quotes): a client created here starts
with its coverage not started (callers get the after-hours path) unless the admin starts it
without a quote and writes why, kept as a coverage decision like the billing page's override.

A client is never deleted once it has history: archiving makes it inactive, so routing,
digests and the desk's lists skip it, while its calls, messages and appointments stay.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base import checks
from desk.base.errors import DomainError
from desk.models import AppointmentType, Client, CoverageDecision, CoverageWindow

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# What a new practice of a network takes from an existing one: its rules, not its people
# (contacts, practitioners) nor its desk numbers (each number belongs to one client).
COPIED_FIELDS = (
    "timezone",
    "locale",
    "greeting",
    "fiche",
    "after_hours_mode",
    "after_hours_message",
    "emergency_number",
    "holiday_policy",
    "holiday_country",
    "ring_pair_together",
    "queue_max_wait_seconds",
    "message_delivery",
    "privacy_mode",
    "feed_show_phone",
    "min_notice_minutes",
    "cancel_cutoff_minutes",
    "reminder_days_before",
)
HOLIDAY_POLICIES = ("closed", "covered")


@dataclass(frozen=True)
class NewClient:
    name: str
    slug: str = ""
    timezone: str = "Europe/Paris"
    holiday_policy: str = "closed"
    copy_from: int | None = None
    start_without_quote: bool = False
    start_reason: str = ""
    by_user_id: int | None = None


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:64] or "client"


def create_client(session: Session, data: NewClient) -> Client:
    name = checks.text(data.name, "name")
    slug = (data.slug or "").strip().lower() or slugify(name)
    if not SLUG.match(slug) or len(slug) > 64:
        raise DomainError("slug_invalid", field="slug")
    if session.scalar(select(Client.id).where(Client.slug == slug)) is not None:
        raise DomainError("slug_taken", field="slug", value=slug)
    if data.holiday_policy not in HOLIDAY_POLICIES:
        raise DomainError(
            "choice_invalid",
            field="holiday_policy",
            value=data.holiday_policy,
            choices=", ".join(HOLIDAY_POLICIES),
        )
    reason = data.start_reason.strip()
    if data.start_without_quote and not reason:
        raise DomainError("client_start_reason_required", field="start_reason")
    client = Client(name=name, slug=slug, coverage_suspended=not data.start_without_quote)
    source = None
    if data.copy_from is not None:
        source = session.get(Client, data.copy_from)
        if source is None:
            raise DomainError("client_unknown", field="copy_from", value=data.copy_from)
        for field in COPIED_FIELDS:
            setattr(client, field, getattr(source, field))
    else:
        client.timezone = checks.timezone(data.timezone)
        client.holiday_policy = data.holiday_policy
    session.add(client)
    session.flush()
    if source is not None:
        _copy_parts(session, source, client)
    if data.start_without_quote:
        session.add(
            CoverageDecision(
                client_id=client.id, action="override", reason=reason, by_user_id=data.by_user_id
            )
        )
        session.flush()
    return client


def _copy_parts(session: Session, source: Client, client: Client) -> None:
    for window in source.coverage_windows:
        session.add(
            CoverageWindow(
                client_id=client.id,
                weekdays=window.weekdays,
                start_local=window.start_local,
                end_local=window.end_local,
                valid_from=window.valid_from,
                valid_until=window.valid_until,
            )
        )
    for kind in session.scalars(
        select(AppointmentType).where(AppointmentType.client_id == source.id)
    ):
        session.add(
            AppointmentType(
                client_id=client.id,
                name=kind.name,
                duration_minutes=kind.duration_minutes,
                buffer_minutes=kind.buffer_minutes,
                active=kind.active,
            )
        )
    session.flush()


def set_holiday_policy(client: Client, policy: str) -> Client:
    if policy not in HOLIDAY_POLICIES:
        raise DomainError(
            "choice_invalid",
            field="holiday_policy",
            value=policy,
            choices=", ".join(HOLIDAY_POLICIES),
        )
    client.holiday_policy = policy
    return client


def archive_client(session: Session, client: Client, now: datetime) -> Client:
    """Stop routing and listing it; every row of its history stays."""
    client.active = False
    client.archived_at = now
    session.flush()
    return client


def restore_client(session: Session, client: Client) -> Client:
    client.active = True
    client.archived_at = None
    session.flush()
    return client


def all_clients(session: Session, *, archived: bool = False) -> list[Client]:
    """Every client by name (admins' list, `desk client list`); archived ones on request."""
    query = select(Client).order_by(Client.name)
    if not archived:
        query = query.where(Client.archived_at.is_(None))
    return list(session.scalars(query))


def client_by_key(session: Session, key: str) -> Client:
    """A client by slug or id (CLI, imports)."""
    row = session.scalar(select(Client).where(Client.slug == key.strip()))
    if row is None and key.strip().isdigit():
        row = session.get(Client, int(key))
    if row is None:
        raise DomainError("client_unknown", field="client", value=key)
    return row

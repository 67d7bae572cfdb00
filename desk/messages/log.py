"""The messages a user may read, filtered; and acknowledging one ("I have seen it")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from desk.base.errors import NotFound
from desk.clients.access import visible_clients_query
from desk.models import Client, Message, User

LOG_LIMIT = 200


@dataclass(frozen=True)
class MessageFilters:
    client_id: int | None = None
    urgency: str | None = None  # "normal", "urgent"
    acknowledged: bool | None = None
    day: date | None = None  # a local date of the desk
    timezone: str = "Europe/Paris"


def visible_messages_query(user: User) -> Select[Message]:
    visible = visible_clients_query(user).with_only_columns(Client.id)
    return select(Message).where(Message.client_id.in_(visible))


def search_messages(session: Session, user: User, filters: MessageFilters) -> list[Message]:
    """Newest first, at most LOG_LIMIT, with their deliveries (one outbox row per contact)."""
    query = visible_messages_query(user).options(selectinload(Message.deliveries))
    if filters.client_id is not None:
        query = query.where(Message.client_id == filters.client_id)
    if filters.urgency:
        query = query.where(Message.urgency == filters.urgency)
    if filters.acknowledged is True:
        query = query.where(Message.acknowledged_at.is_not(None))
    elif filters.acknowledged is False:
        query = query.where(Message.acknowledged_at.is_(None))
    if filters.day is not None:
        tz = ZoneInfo(filters.timezone)
        start = datetime.combine(filters.day, time(), tz)
        query = query.where(
            Message.created_at >= start, Message.created_at < start + timedelta(days=1)
        )
    query = query.order_by(Message.created_at.desc(), Message.id.desc()).limit(LOG_LIMIT)
    return list(session.scalars(query))


def acknowledge(session: Session, user: User, message_id: int, now: datetime) -> Message:
    """Mark a message seen (once: the first acknowledgement is kept). NotFound if not visible."""
    message = session.scalar(visible_messages_query(user).where(Message.id == message_id))
    if message is None:
        raise NotFound("message_not_found")
    if message.acknowledged_at is None:
        message.acknowledged_at = now
        message.acknowledged_by_id = user.id
    return message

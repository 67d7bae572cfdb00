"""The messages a user may read, filtered; and acknowledging one ("I have seen it")."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session, selectinload

from desk.base.errors import NotFound
from desk.base.keyset import Cursor, Page, newest_first
from desk.base.phone import InvalidPhoneNumber, normalise
from desk.base.search import fold
from desk.clients.access import visible_client_ids
from desk.models import Client, Message, User


@dataclass(frozen=True)
class MessageFilters:
    client_id: int | None = None
    urgency: str | None = None  # "normal", "urgent"
    acknowledged: bool | None = None
    day: date | None = None  # a local date of the desk
    timezone: str = "Europe/Paris"
    text: str = ""  # words of the caller's name, reason or body, or a phone number


def visible_messages_query(user: User) -> Select[Message]:
    visible = visible_client_ids(user)
    if user.role == "admin":
        # An admin sees (nearly) every message: read them newest first and check each one's
        # client, rather than read every client's messages to sort them (what `IN` makes
        # SQLite do). A secretary's few clients are better read client by client.
        return select(Message).where(visible.where(Client.id == Message.client_id).exists())
    return select(Message).where(Message.client_id.in_(visible))


def text_matches(text: str) -> ColumnElement[bool]:
    """Messages whose folded words contain `text` folded, or from that phone number."""
    conditions = [Message.search.contains(fold(text), autoescape=True)]
    with suppress(InvalidPhoneNumber):
        conditions.append(Message.caller_number == normalise(text))
    return or_(*conditions)


def search_messages(
    session: Session, user: User, filters: MessageFilters, before: Cursor | None = None
) -> Page[Message]:
    """A page of the messages, newest first, older than `before` when given, with their
    deliveries (one outbox row per contact)."""
    query = visible_messages_query(user).options(selectinload(Message.deliveries))
    if filters.client_id is not None:
        query = query.where(Message.client_id == filters.client_id)
    if filters.urgency:
        query = query.where(Message.urgency == filters.urgency)
    if filters.acknowledged is True:
        query = query.where(Message.acknowledged_at.is_not(None))
    elif filters.acknowledged is False:
        query = query.where(Message.acknowledged_at.is_(None))
    if filters.text.strip():
        query = query.where(text_matches(filters.text))
    if filters.day is not None:
        tz = ZoneInfo(filters.timezone)
        start = datetime.combine(filters.day, time(), tz)
        query = query.where(
            Message.created_at >= start, Message.created_at < start + timedelta(days=1)
        )
    return newest_first(session, query, Message.created_at, Message.id, before)


def acknowledge(session: Session, user: User, message_id: int, now: datetime) -> Message:
    """Mark a message seen (once: the first acknowledgement is kept). NotFound if not visible."""
    message = session.scalar(visible_messages_query(user).where(Message.id == message_id))
    if message is None:
        raise NotFound("message_not_found")
    if message.acknowledged_at is None:
        message.acknowledged_at = now
        message.acknowledged_by_id = user.id
    return message

"""The practice's own portal (role client): its messages, calls, appointments and feeds.

Every query is scoped by the user's own client id, never by an id from the request alone:
another practice's message, call or feed is NotFound, exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import NotFound
from desk.models import (
    Appointment,
    Call,
    Client,
    FeedToken,
    Message,
    Practitioner,
    Secretary,
    User,
)
from scheduling.tokens import create_feed_token

RECENT = 50
AHEAD = timedelta(days=60)


@dataclass(frozen=True)
class Feed:
    id: int
    token: str
    practitioner: str | None


def own_client(session: Session, user: User) -> Client:
    if user.role != "client" or user.client_id is None:
        raise NotFound("not_found")
    client = session.get(Client, user.client_id)
    if client is None or not client.active:
        raise NotFound("not_found")
    return client


def messages(session: Session, client: Client) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.client_id == client.id)
            .order_by(Message.acknowledged_at.is_not(None), Message.created_at.desc())
            .limit(RECENT)
        )
    )


def staff_numbers(session: Session) -> dict[str, str]:
    """The desk's secretaries' phones -> their names: a message from one of them (an SMS
    reply to a summary) shows her name to the practice, never her personal mobile."""
    rows = session.execute(select(Secretary.phone, Secretary.name))
    return {phone: name for phone, name in rows}


def mark_read(session: Session, user: User, message_id: int, now: datetime) -> Message:
    client = own_client(session, user)
    message = session.get(Message, message_id)
    if message is None or message.client_id != client.id:
        raise NotFound("not_found")
    if message.acknowledged_at is None:
        message.acknowledged_at = now
        message.acknowledged_by_id = user.id
    return message


def calls(session: Session, client: Client) -> list[Call]:
    return list(
        session.scalars(
            select(Call)
            .where(Call.client_id == client.id)
            .order_by(Call.started_at.desc())
            .limit(RECENT)
        )
    )


def appointments(session: Session, client: Client, now: datetime) -> list[Appointment]:
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.client_id == client.id,
                Appointment.status == "booked",
                Appointment.ends_at >= now,
                Appointment.starts_at < now + AHEAD,
            )
            .order_by(Appointment.starts_at)
        )
    )


def feeds(session: Session, client: Client) -> list[Feed]:
    names = {
        p.id: p.name
        for p in session.scalars(select(Practitioner).where(Practitioner.client_id == client.id))
    }
    rows = session.scalars(
        select(FeedToken)
        .where(FeedToken.client_id == client.id, FeedToken.revoked_at.is_(None))
        .order_by(FeedToken.practitioner_id.is_not(None), FeedToken.id)
    )
    return [
        Feed(r.id, r.token, names.get(r.practitioner_id) if r.practitioner_id else None)
        for r in rows
    ]


def feed(session: Session, client: Client, feed_id: int) -> Feed:
    for row in feeds(session, client):
        if row.id == feed_id:
            return row
    raise NotFound("not_found")


def ensure_feeds(session: Session, client: Client, now: datetime) -> list[Feed]:
    """A live feed for the whole practice and for each active practitioner (missing ones
    are created; existing URLs never change)."""
    have = {
        r.practitioner_id
        for r in session.scalars(
            select(FeedToken).where(
                FeedToken.client_id == client.id, FeedToken.revoked_at.is_(None)
            )
        )
    }
    wanted: list[int | None] = [None] + [
        p.id
        for p in session.scalars(
            select(Practitioner).where(
                Practitioner.client_id == client.id, Practitioner.active.is_(True)
            )
        )
    ]
    for practitioner_id in wanted:
        if practitioner_id not in have:
            create_feed_token(session, client.id, practitioner_id, now)
    session.flush()
    return feeds(session, client)

"""Aujourd'hui: one read of the day for the logged-in person.

Who is on duty now and next for each of her clients, the calls she answered that still
wait for a message, the unread and urgent messages, the appointments she booked today,
and (admins) the gaps in the coming days. Each part is one domain query, so the page's
loading can be tuned in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, exists, select
from sqlalchemy.orm import Session

from desk.base.wall_time import local_date, local_to_utc
from desk.clients.access import visible_clients
from desk.models import Appointment, Call, CallAttempt, Client, Message, User
from desk.models.states import AttemptOutcome, Urgency
from desk.rota.gaps import Segment, gaps
from desk.rota.week import NowAndNext, now_and_next

LOCAL_TZ = ZoneInfo("Europe/Paris")
GAP_DAYS = 7
UNREAD_SHOWN = 10


@dataclass(frozen=True)
class ClientGaps:
    client: Client
    gaps: list[Segment]


@dataclass(frozen=True)
class Today:
    at: datetime
    boards: list[NowAndNext]
    calls_without_message: list[Call]
    unread: list[Message]
    unread_count: int
    urgent_count: int
    booked_today: list[Appointment]
    gaps: list[ClientGaps]  # admins only; empty otherwise
    clients: dict[int, Client]


def _day_start(at: datetime) -> datetime:
    return local_to_utc(local_date(at, LOCAL_TZ), time(0), LOCAL_TZ)


def today(session: Session, user: User, at: datetime) -> Today:
    clients = visible_clients(session, user)
    ids = [c.id for c in clients]
    since = _day_start(at)
    calls: list[Call] = []
    if user.secretary_id is not None:
        calls = list(
            session.scalars(
                select(Call)
                .join(CallAttempt, CallAttempt.call_id == Call.id)
                .where(
                    CallAttempt.secretary_id == user.secretary_id,
                    CallAttempt.outcome == AttemptOutcome.ACCEPTED,
                    Call.started_at >= since,
                    ~exists().where(Message.call_id == Call.id),
                    ~exists().where(Appointment.call_id == Call.id),
                )
                .order_by(Call.started_at.desc())
            )
        )
    unread_query = select(Message).where(
        Message.client_id.in_(ids), Message.acknowledged_at.is_(None)
    )
    unread_all = list(
        session.scalars(
            unread_query.order_by(
                case((Message.urgency == Urgency.URGENT, 0), else_=1), Message.created_at.desc()
            )
        )
    )
    booked = list(
        session.scalars(
            select(Appointment)
            .where(Appointment.booked_by_id == user.id, Appointment.created_at >= since)
            .order_by(Appointment.starts_at)
        )
    )
    found_gaps: list[ClientGaps] = []
    if user.role == "admin":
        for client in clients:
            holes = gaps(session, client, at, at + timedelta(days=GAP_DAYS))
            if holes:
                found_gaps.append(ClientGaps(client, holes))
    return Today(
        at=at,
        boards=[now_and_next(session, c, at) for c in clients],
        calls_without_message=calls,
        unread=unread_all[:UNREAD_SHOWN],
        unread_count=len(unread_all),
        urgent_count=sum(1 for m in unread_all if m.urgency == Urgency.URGENT),
        booked_today=booked,
        gaps=found_gaps,
        clients={c.id: c for c in clients},
    )

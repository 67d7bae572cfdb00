"""Aujourd'hui: one read of the day for the logged-in person.

Who is on duty now and next for her first clients (a page of the Now page's boards, with
the week's gaps for admins), the calls she answered that still wait for a message, the
unread and urgent messages, the appointments she booked today. A fixed number of
statements whatever the network's size (tests/test_page_statements.py): the boards of
every other client are on the Now page, searchable, and the hourly gap alert e-mails
admins about every client's gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from desk.base.wall_time import local_date, local_to_utc
from desk.clients.access import visible_client_ids
from desk.clients.listing import client_page, clients_by_id
from desk.models import Appointment, Call, CallAttempt, Client, Message, User
from desk.models.states import AttemptOutcome, Urgency
from desk.rota.boards import now_boards
from desk.rota.gaps import Segment
from desk.rota.week import NowAndNext

LOCAL_TZ = ZoneInfo("Europe/Paris")
BOARDS_SHOWN = 20  # as a page of the Now page
UNREAD_SHOWN = 10


@dataclass(frozen=True)
class ClientGaps:
    client: Client
    gaps: list[Segment]


@dataclass(frozen=True)
class Today:
    at: datetime
    boards: list[NowAndNext]
    other_clients: int  # visible clients without a board here (see the Now page)
    calls_without_message: list[Call]
    unread: list[Message]
    unread_count: int
    urgent_count: int
    booked_today: list[Appointment]
    gaps: list[ClientGaps]  # admins only, for the clients with a board; empty otherwise
    clients: dict[int, Client]


def _day_start(at: datetime) -> datetime:
    return local_to_utc(local_date(at, LOCAL_TZ), time(0), LOCAL_TZ)


def _calls_without_message(session: Session, user: User, since: datetime) -> list[Call]:
    if user.secretary_id is None:
        return []
    return list(
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


def today(session: Session, user: User, at: datetime) -> Today:
    since = _day_start(at)
    shown = client_page(session, user, per_page=BOARDS_SHOWN, with_parts=False)
    boards = now_boards(session, shown.clients, at)
    calls = _calls_without_message(session, user, since)
    unread_of_hers = (
        Message.client_id.in_(visible_client_ids(user)),
        Message.acknowledged_at.is_(None),
    )
    # Urgent first, then the newest: one index range per urgency (ix_messages_unread).
    unread = [
        message
        for urgency in (Urgency.URGENT, Urgency.NORMAL)
        for message in session.scalars(
            select(Message)
            .where(*unread_of_hers, Message.urgency == urgency)
            .order_by(Message.created_at.desc())
            .limit(UNREAD_SHOWN)
        )
    ][:UNREAD_SHOWN]
    urgent = Message.urgency == Urgency.URGENT
    unread_count, urgent_count = session.execute(
        select(func.count(), func.coalesce(func.sum(case((urgent, 1), else_=0)), 0)).where(
            *unread_of_hers
        )
    ).one()
    booked = list(
        session.scalars(
            select(Appointment)
            .where(Appointment.booked_by_id == user.id, Appointment.created_at >= since)
            .order_by(Appointment.starts_at)
        )
    )
    named = [c.client_id for c in calls] + [m.client_id for m in unread]
    clients = clients_by_id(session, user, named + [a.client_id for a in booked])
    clients.update({c.id: c for c in shown.clients})
    return Today(
        at=at,
        boards=boards,
        other_clients=shown.total - len(shown.clients),
        calls_without_message=calls,
        unread=unread,
        unread_count=int(unread_count),
        urgent_count=int(urgent_count),
        booked_today=booked,
        gaps=[ClientGaps(b.client, list(b.gaps)) for b in boards if b.gaps]
        if user.role == "admin"
        else [],
        clients=clients,
    )

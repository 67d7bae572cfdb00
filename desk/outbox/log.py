"""What the desk sent or is about to send, as a user may see it.

Admins see every row; secretaries the rows about the clients they are trained for;
client users none (the page is the desk's own work).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.clients.access import visible_clients_query
from desk.models import Client, Outbox, User
from desk.models.states import OutboxState

LOG_LIMIT = 200
# The states a row waits in, before it is sent or given up.
WAITING = (OutboxState.PENDING, OutboxState.SENDING)


@dataclass(frozen=True)
class OutboxFilters:
    client_id: int | None = None
    channel: str | None = None  # a Channel
    state: str | None = None


def search_outbox(session: Session, user: User, filters: OutboxFilters) -> list[Outbox]:
    """Newest first, at most LOG_LIMIT."""
    query = select(Outbox)
    if user.role != "admin":
        visible = visible_clients_query(user).with_only_columns(Client.id)
        query = query.where(Outbox.client_id.in_(visible))
    if filters.client_id is not None:
        query = query.where(Outbox.client_id == filters.client_id)
    if filters.channel:
        query = query.where(Outbox.channel == filters.channel)
    if filters.state:
        query = query.where(Outbox.state == filters.state)
    query = query.order_by(Outbox.created_at.desc(), Outbox.id.desc()).limit(LOG_LIMIT)
    return list(session.scalars(query))

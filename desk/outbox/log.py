"""What the desk sent or is about to send, as a user may see it.

Admins see every row; secretaries the rows about the clients they are trained for;
client users none (the page is the desk's own work).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.keyset import Cursor, Page, newest_first
from desk.clients.access import visible_client_ids
from desk.models import Outbox, User
from desk.models.invitations import InvitationPurpose
from desk.models.states import OutboxState

# The states a row waits in, before it is sent or given up.
WAITING = (OutboxState.PENDING, OutboxState.SENDING)
# Rows whose text is for their recipient alone: an invitation or a password link lets
# whoever reads it log in as her (desk.people.accounts). The log shows that it was sent,
# never its text.
PRIVATE_KINDS = frozenset(f"account_{purpose}" for purpose in InvitationPurpose)


def is_private(row: Outbox) -> bool:
    return row.kind in PRIVATE_KINDS


@dataclass(frozen=True)
class OutboxFilters:
    client_id: int | None = None
    channel: str | None = None  # a Channel
    state: str | None = None


def search_outbox(
    session: Session, user: User, filters: OutboxFilters, before: Cursor | None = None
) -> Page[Outbox]:
    """A page of the outbox, newest first, older than `before` when given."""
    query = select(Outbox)
    if user.role != "admin":
        query = query.where(Outbox.client_id.in_(visible_client_ids(user)))
    if filters.client_id is not None:
        query = query.where(Outbox.client_id == filters.client_id)
    if filters.channel:
        query = query.where(Outbox.channel == filters.channel)
    if filters.state:
        query = query.where(Outbox.state == filters.state)
    return newest_first(session, query, Outbox.created_at, Outbox.id, before)

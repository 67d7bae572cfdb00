"""Callbacks asked for from the queue (key 2): listed on Aujourd'hui and the client's
page, marked done (or not) with who did it. No Flask; the view owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from desk.base.errors import NotFound
from desk.clients.access import visible_client_ids
from desk.models import Callback, Client, User

SHOWN = 20
# Done callbacks stay listed this long, so a mistaken "done" can be undone.
DONE_SHOWN_FOR = timedelta(hours=12)


@dataclass(frozen=True)
class CallbackRow:
    callback: Callback
    client_name: str
    done_by: str  # the name (or e-mail) of who marked it done; "" when not done


Rows = Select[Callback, str, str, str]


def _rows(session: Session, query: Rows) -> list[CallbackRow]:
    return [
        CallbackRow(callback, client_name, (name or email or "") if callback.done_at else "")
        for callback, client_name, name, email in session.execute(query)
    ]


def _query(since: datetime) -> Rows:
    doer = aliased(User)
    return (
        select(Callback, Client.name, doer.name, doer.email)
        .join(Client, Client.id == Callback.client_id)
        .outerjoin(doer, doer.id == Callback.done_by_id)
        .where(Callback.done_at.is_(None) | (Callback.done_at >= since))
        .order_by(Callback.done_at.is_not(None), Callback.requested_at)
        .limit(SHOWN)
    )


def for_user(session: Session, user: User, at: datetime) -> list[CallbackRow]:
    """Callbacks of the clients she may see: to do first (oldest first), then recent done."""
    query = _query(at - DONE_SHOWN_FOR).where(Callback.client_id.in_(visible_client_ids(user)))
    return _rows(session, query)


def for_client(session: Session, client_id: int, at: datetime) -> list[CallbackRow]:
    return _rows(session, _query(at - DONE_SHOWN_FOR).where(Callback.client_id == client_id))


def mark(session: Session, user: User, callback_id: int, done: bool, at: datetime) -> None:
    """Done by `user` now, or not done after all."""
    callback = session.scalar(
        select(Callback).where(
            Callback.id == callback_id, Callback.client_id.in_(visible_client_ids(user))
        )
    )
    if callback is None:
        raise NotFound("callback_not_found")
    if done and callback.done_at is None:
        callback.done_at, callback.done_by_id = at, user.id
    elif not done:
        callback.done_at, callback.done_by_id = None, None

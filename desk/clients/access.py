"""Who may see which client: the one rule every page and API call goes through."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from desk.base.errors import NotFound
from desk.models import Call, Client, Training, User


def visible_clients_query(user: User) -> Select[Client]:
    query = select(Client).where(Client.active.is_(True)).order_by(Client.name)
    if user.role == "admin":
        return query
    if user.role == "secretary" and user.secretary_id is not None:
        trained = select(Training.client_id).where(Training.secretary_id == user.secretary_id)
        return query.where(Client.id.in_(trained))
    if user.role == "client" and user.client_id is not None:
        return query.where(Client.id == user.client_id)
    return query.where(Client.id.is_(None))


def visible_client_ids(user: User) -> Select[int]:
    """The ids of the clients `user` may see, as a subquery for `IN` (unordered: an order
    there is a sort the database does for nothing)."""
    return visible_clients_query(user).with_only_columns(Client.id).order_by(None)


def visible_clients(session: Session, user: User) -> list[Client]:
    return list(session.scalars(visible_clients_query(user)))


def client_for(session: Session, user: User, client_id: int) -> Client:
    """The client if `user` may see it; NotFound otherwise (another tenant's object is 404)."""
    client = session.scalar(visible_clients_query(user).where(Client.id == client_id))
    if client is None:
        raise NotFound("client_not_found")
    return client


def visible_calls_query(user: User) -> Select[Call]:
    """Calls of the clients `user` may see; calls to no known client are the admins'."""
    query = select(Call)
    if user.role == "admin":
        return query
    return query.where(Call.client_id.in_(visible_client_ids(user)))


def call_for(session: Session, user: User, call_id: int) -> Call:
    call = session.scalar(visible_calls_query(user).where(Call.id == call_id))
    if call is None:
        raise NotFound("call_not_found")
    return call

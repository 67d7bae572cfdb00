"""The clients list: searched and cut into pages, each page in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from desk.clients.access import visible_clients_query
from desk.models import Client, User

PER_PAGE = 50


@dataclass(frozen=True)
class ClientPage:
    clients: list[Client]
    total: int  # clients matching the search
    page: int  # 1-based, clamped to [1, pages]
    pages: int
    search: str


def client_page(session: Session, user: User, search: str = "", page: int = 1) -> ClientPage:
    """The clients `user` may see whose name or slug holds `search`, one page of them, with
    their desk numbers and coverage windows loaded alongside (no query per row)."""
    query = visible_clients_query(user)
    search = search.strip()
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(Client.name).like(pattern), func.lower(Client.slug).like(pattern))
        )
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    clients = session.scalars(
        query.options(selectinload(Client.desk_numbers), selectinload(Client.coverage_windows))
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return ClientPage(list(clients), total, page, pages, search)

"""The clients list: searched and cut into pages, each page in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from desk.clients.access import visible_clients_query
from desk.models import Client, User

PER_PAGE = 50
MENU_LIMIT = 30  # clients listed in a menu before searching


@dataclass(frozen=True)
class ClientPage:
    clients: list[Client]
    total: int  # clients matching the search
    page: int  # 1-based, clamped to [1, pages]
    pages: int
    search: str


def _searched(user: User, search: str) -> Select[Client]:
    query = visible_clients_query(user)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(Client.name).like(pattern), func.lower(Client.slug).like(pattern))
        )
    return query


def client_page(
    session: Session,
    user: User,
    search: str = "",
    page: int = 1,
    with_parts: bool = True,
    per_page: int = PER_PAGE,
) -> ClientPage:
    """The clients `user` may see whose name or slug holds `search`, one page of them;
    `with_parts`: their desk numbers and coverage windows loaded alongside (no query per row)."""
    search = search.strip()
    query = _searched(user, search)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    if with_parts:
        query = query.options(
            selectinload(Client.desk_numbers), selectinload(Client.coverage_windows)
        )
    clients = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return ClientPage(list(clients), total, page, pages, search)


def client_menu(
    session: Session, user: User, search: str = "", selected: int | None = None
) -> list[Client]:
    """Clients for a menu: the first `MENU_LIMIT` (by name) whose name or slug holds
    `search`, and the selected one first when it is not among them. A menu of a
    1,000-client network searches instead of listing every client."""
    found = list(session.scalars(_searched(user, search.strip()).limit(MENU_LIMIT)))
    if selected is not None:
        chosen = session.scalar(visible_clients_query(user).where(Client.id == selected))
        if chosen is not None and all(c.id != chosen.id for c in found):
            found.insert(0, chosen)
    return found


def clients_by_id(session: Session, user: User, ids: Iterable[int | None]) -> dict[int, Client]:
    """The clients `user` may see among `ids` (to name the rows of a log), in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    query = visible_clients_query(user).where(Client.id.in_(wanted))
    return {c.id: c for c in session.scalars(query)}

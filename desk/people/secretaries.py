"""Secretaries and partners: who they are, which clients they answer for, their login.

Deactivating keeps her rota and history (nothing is deleted): routing reads
`Secretary.active` on every call, so she is skipped from the next call on, and her login
stops working at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.base import checks
from desk.base.errors import DomainError
from desk.base.words import DEFAULT_LOCALE, SUPPORTED_LOCALES
from desk.models import Client, Secretary, Training, User
from desk.people.accounts import create_user, invite, set_active, user_by_email


@dataclass(frozen=True)
class SecretaryInput:
    name: str
    phone: str
    email: str = ""
    is_partner: bool = False
    languages: str = "fr"


def _clean(session: Session, data: SecretaryInput, current: Secretary | None) -> dict[str, object]:
    email = checks.email(data.email, required=False)
    if email is not None:
        other = user_by_email(session, email)
        if other is not None and (current is None or other.secretary_id != current.id):
            raise DomainError("email_taken", field="email", value=email)
    return {
        "name": checks.text(data.name, "name"),
        "phone": checks.phone(data.phone),
        "email": email,
        "is_partner": data.is_partner,
        "languages": checks.text(data.languages or "fr", "languages", max_len=64),
    }


def add_secretary(session: Session, data: SecretaryInput) -> Secretary:
    row = Secretary(**_clean(session, data, None))
    session.add(row)
    session.flush()
    return row


def update_secretary(session: Session, secretary: Secretary, data: SecretaryInput) -> Secretary:
    for key, value in _clean(session, data, secretary).items():
        setattr(secretary, key, value)
    login = login_of(session, secretary)
    if login is not None and secretary.email and login.email != secretary.email:
        login.email = secretary.email
    session.flush()
    return secretary


def login_of(session: Session, secretary: Secretary) -> User | None:
    return session.scalar(select(User).where(User.secretary_id == secretary.id))


def invite_secretary(
    session: Session, secretary: Secretary, *, base_url: str, now: datetime
) -> str:
    """Give her a login (if she has none) and e-mail her a one-time link to set her password."""
    if not secretary.email:
        raise DomainError("required", field="email")
    if not secretary.active:
        raise DomainError("invitation_invalid")
    user = login_of(session, secretary)
    if user is None:
        user = create_user(
            session,
            email=secretary.email,
            name=secretary.name,
            role="secretary",
            secretary_id=secretary.id,
        )
    return invite(session, user, base_url=base_url, now=now)


def set_secretary_active(
    session: Session, secretary: Secretary, active: bool, now: datetime
) -> Secretary:
    secretary.active = active
    login = login_of(session, secretary)
    if login is not None:
        set_active(session, login, active, now)
    session.flush()
    return secretary


def set_trainings(
    session: Session, secretary: Secretary, ranks: dict[int, int | None]
) -> list[Training]:
    """Replace her trainings: {client id: overflow rank (1-9) or None (trained, no overflow)}."""
    known = set(session.scalars(select(Client.id).where(Client.id.in_(list(ranks)))))
    for client_id, rank in ranks.items():
        if client_id not in known:
            raise DomainError("client_unknown", field="trainings", value=client_id)
        if rank is not None and not 1 <= rank <= 9:
            raise DomainError("rank_invalid", field="trainings")
    existing = {t.client_id: t for t in secretary.trainings}
    for client_id, row in existing.items():
        if client_id not in ranks:
            session.delete(row)
    for client_id, rank in ranks.items():
        found = existing.get(client_id)
        if found is None:
            found = Training(secretary_id=secretary.id, client_id=client_id)
            session.add(found)
        found.overflow_rank = rank
    session.flush()
    session.expire(secretary, ["trainings"])
    return list(secretary.trainings)


def secretary_by(session: Session, key: str) -> Secretary:
    """A secretary by id or e-mail (CLI)."""
    row = None
    if key.isdigit():
        row = session.get(Secretary, int(key))
    if row is None:
        row = session.scalar(select(Secretary).where(Secretary.email == key.strip().lower()))
    if row is None:
        raise DomainError("secretary_unknown", field="secretary", value=key)
    return row


MENU_LIMIT = 30  # secretaries listed in a filter menu before searching (as clients)


def secretary_menu(
    session: Session, client_ids: Any, search: str = "", selected: int | None = None
) -> list[Secretary]:
    """Secretaries trained for any of `client_ids` (a subquery of client ids) for a menu:
    the first `MENU_LIMIT` by name holding `search`, the selected one first when not
    among them. A 300-secretary network searches instead of listing everyone."""
    trained = Secretary.id.in_(
        select(Training.secretary_id).where(Training.client_id.in_(client_ids))
    )
    query = select(Secretary).where(trained).order_by(Secretary.name, Secretary.id)
    if search.strip():
        query = query.where(func.lower(Secretary.name).contains(search.strip().lower()))
    found = list(session.scalars(query.limit(MENU_LIMIT)))
    if selected is not None and all(s.id != selected for s in found):
        chosen = session.scalar(select(Secretary).where(trained, Secretary.id == selected))
        if chosen is not None:
            found.insert(0, chosen)
    return found


def secretary_locale(session: Session, secretary: Secretary) -> str:
    """The language she reads: her login's setting, else the first of her languages the
    desk speaks, else French."""
    chosen = session.scalar(
        select(User.locale).where(User.secretary_id == secretary.id, User.locale.is_not(None))
    )
    if chosen in SUPPORTED_LOCALES:
        return str(chosen)
    for language in (secretary.languages or "").split(","):
        if language.strip() in SUPPORTED_LOCALES:
            return language.strip()
    return DEFAULT_LOCALE

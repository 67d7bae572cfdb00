"""The People page's rows: secretaries and partners (active first), their logins, the
admins. Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import Secretary, User


@dataclass(frozen=True)
class People:
    secretaries: list[Secretary]
    logins: dict[int, User]  # by secretary id
    admins: list[User]


def people(session: Session) -> People:
    secretaries = session.scalars(
        select(Secretary).order_by(Secretary.active.desc(), Secretary.name)
    ).all()
    logins = session.scalars(select(User).where(User.secretary_id.is_not(None))).all()
    admins = session.scalars(select(User).where(User.role == "admin").order_by(User.email))
    return People(
        list(secretaries),
        {u.secretary_id: u for u in logins if u.secretary_id is not None},
        list(admins),
    )

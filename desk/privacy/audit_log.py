"""The audit page's rows: the newest audit events and who did them. Reads only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import AuditEvent, User


def recent_events(session: Session, limit: int) -> tuple[list[AuditEvent], dict[int, str]]:
    """The `limit` newest events, and each user's name (or e-mail) by id."""
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit))
    names = {u.id: u.name or u.email for u in session.scalars(select(User))}
    return list(events), names

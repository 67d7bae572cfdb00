"""The desk's training mode: while an admin has it on, secretaries may use the Simulator.

Admins always may. The Simulator's calls are marked (`Call.simulated`) and never billed,
paid nor reported, but they ring real phones and pop the fiche: hence an admin's choice.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.models import AuditEvent, DeskIdentity
from desk.models.desk_identity import IDENTITY_ID


def training_mode(session: Session) -> bool:
    """Whether secretaries may use the Simulator now."""
    on = session.scalar(select(DeskIdentity.training_mode).where(DeskIdentity.id == IDENTITY_ID))
    return bool(on)


def may_simulate(session: Session, role: str) -> bool:
    """Whether a user of `role` may open the Simulator."""
    if role == "admin":
        return True
    return role == "secretary" and training_mode(session)


def set_training_mode(session: Session, on: bool, *, actor: str) -> None:
    """Turn the training mode on or off (the desk's identity must exist: set-up made it)."""
    identity = DeskIdentity.get(session)
    if identity is None:
        raise DomainError("billing_seller_missing")  # its legal identity, not set yet
    if identity.training_mode == on:
        return
    identity.training_mode = on
    session.add(
        AuditEvent(
            actor=actor,
            action="training.on" if on else "training.off",
            object_type="desk",
            object_id=IDENTITY_ID,
        )
    )

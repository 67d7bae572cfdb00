"""One-time links that let a person set her password (an invitation, or a reset)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from desk.base.clock import system_now
from desk.models.base import Base


class InvitationPurpose(enum.StrEnum):
    INVITE = "invite"
    RESET = "reset"


class Invitation(Base):
    """Only the SHA-256 of the token is kept: a leaked database gives no working link."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16), default=InvitationPurpose.INVITE)
    created_at: Mapped[datetime] = mapped_column(default=system_now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LoginFailure(Base):
    """Failed logins per account or address in the current window, shared by every worker
    (the login guard's storage when no Redis is configured)."""

    __tablename__ = "login_failures"

    # "account:<e-mail>" or "address:<ip>"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(index=True)
    failures: Mapped[int] = mapped_column(default=0)

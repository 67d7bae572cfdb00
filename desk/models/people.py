"""The people who use the desk: secretaries (on the rota) and logins (users)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.base.clock import system_now
from desk.models.base import Base

ROLES = ("admin", "secretary", "client")


class Secretary(Base):
    __tablename__ = "secretaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    languages: Mapped[str] = mapped_column(String(64), default="fr")
    # A partner is an independent from the network, paid per mission.
    is_partner: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=system_now)

    trainings: Mapped[list[Training]] = relationship(back_populates="secretary")

    def __repr__(self) -> str:
        return f"<Secretary {self.name}>"


class Training(Base):
    """A secretary knows a client's fiche; `overflow_rank` set = she takes its overflow calls."""

    __tablename__ = "trainings"

    secretary_id: Mapped[int] = mapped_column(
        ForeignKey("secretaries.id", ondelete="CASCADE"), primary_key=True
    )
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    overflow_rank: Mapped[int | None]

    secretary: Mapped[Secretary] = relationship(back_populates="trainings")


class User(Base):
    """A login. A secretary's login points at her Secretary row; a client user at its Client."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(8))
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("secretaries.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=system_now)

    secretary: Mapped[Secretary | None] = relationship()

    # The attributes Flask-Login reads, written out so models do not import Flask.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

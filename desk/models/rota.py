"""The rota: recurring shifts in local wall time, overrides and absences in UTC."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.base.clock import system_now
from desk.models.base import Base
from desk.models.people import Secretary


class Shift(Base):
    """A secretary on duty for a client (or every client she is trained for when null).

    Recurs on `weekdays` (digits, Monday = 0) or by `rrule` (RFC 5545, local time);
    rank 1 is the primary, rank 2 the backup of the pair.
    """

    __tablename__ = "shifts"
    __table_args__ = (Index("ix_shifts_client_valid", "client_id", "valid_from", "valid_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    secretary_id: Mapped[int] = mapped_column(
        ForeignKey("secretaries.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    weekdays: Mapped[str | None] = mapped_column(String(7))
    rrule: Mapped[str | None] = mapped_column(Text)
    start_local: Mapped[time]
    end_local: Mapped[time]
    rank: Mapped[int] = mapped_column(default=1)
    ring_together: Mapped[bool] = mapped_column(default=False)
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]

    secretary: Mapped[Secretary] = relationship()


class Override(Base):
    """`replacement` takes `original`'s duty (one shift, or all of it) for a period."""

    __tablename__ = "overrides"
    # Looked up by the secretary whose duty is taken over, never by period alone.
    __table_args__ = (
        Index("ix_overrides_original_period", "original_secretary_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Limits a whole-duty override (no shift) to one client's duty; null: all her clients.
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    original_secretary_id: Mapped[int] = mapped_column(ForeignKey("secretaries.id"))
    replacement_secretary_id: Mapped[int] = mapped_column(ForeignKey("secretaries.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(String(500), default="")


class Absence(Base):
    __tablename__ = "absences"
    __table_args__ = (
        Index("ix_absences_secretary_period", "secretary_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    secretary_id: Mapped[int] = mapped_column(ForeignKey("secretaries.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16), default="leave")
    note: Mapped[str] = mapped_column(String(500), default="")


class DutyNotice(Base):
    """One notice to a secretary: her duty starts, or she is asked to replace someone.

    The unique key makes "exactly once": the job inserts the row, then claims it by
    compare-and-set on `sent_at` in the transaction that queues the SMS or e-mail.
    """

    __tablename__ = "duty_notices"
    __table_args__ = (UniqueConstraint("secretary_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    secretary_id: Mapped[int] = mapped_column(ForeignKey("secretaries.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))  # "start:<client>:<iso>", "override:<id>"
    created_at: Mapped[datetime] = mapped_column(default=system_now)
    sent_at: Mapped[datetime | None]

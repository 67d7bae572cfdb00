"""Appointments, busy times imported from clients' calendars, feed tokens and API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, func, literal_column, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desk.base.clock import system_now
from desk.models.base import Base
from desk.models.states import AppointmentStatus


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        # updated_at last: the feeds' ETag (count, max(updated_at)) is read from the index alone.
        Index("ix_appointments_practitioner_start", "practitioner_id", "starts_at", "updated_at"),
        Index("ix_appointments_client_start", "client_id", "starts_at", "updated_at"),
        Index("ix_appointments_reminder", "status", "reminder_sent_at", "starts_at"),
        # The no-double-booking guarantee on PostgreSQL (SQLite: BEGIN IMMEDIATE in booking).
        # Created by migration 0003 on PostgreSQL only; Alembic does not compare it.
        ExcludeConstraint(
            (literal_column("practitioner_id"), "="),
            (
                func.tstzrange(literal_column("starts_at"), literal_column("blocked_until"), "[)"),
                "&&",
            ),
            name="ex_appointments_no_overlap",
            using="gist",
            where=text("status <> 'cancelled'"),
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"))
    type_id: Mapped[int] = mapped_column(ForeignKey("appointment_types.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # End of the time the practitioner is taken, buffer included: what overlaps must not.
    blocked_until: Mapped[datetime]
    patient_name: Mapped[str] = mapped_column(String(200))
    patient_phone: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=AppointmentStatus.BOOKED)
    source: Mapped[str] = mapped_column(String(16), default="desk")  # desk, api, demo
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=system_now)
    updated_at: Mapped[datetime] = mapped_column(default=system_now)
    cancelled_at: Mapped[datetime | None]
    confirmation_sent_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    cancel_token: Mapped[str] = mapped_column(String(64), unique=True)


class CalendarSource(Base):
    """A client's (or one practitioner's) own calendar, imported as busy times."""

    __tablename__ = "calendar_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE")
    )
    url: Mapped[str] = mapped_column(String(1000))
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(200))


class BusyBlock(Base):
    __tablename__ = "busy_blocks"
    __table_args__ = (Index("ix_busy_blocks_client_start", "client_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("calendar_sources.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(String(300), default="")
    fetched_at: Mapped[datetime] = mapped_column(default=system_now)


class FeedToken(Base):
    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(default=system_now)
    revoked_at: Mapped[datetime | None]


class ApiKey(Base):
    """Only a hash is kept; the key is shown once when created."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(128), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=system_now)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

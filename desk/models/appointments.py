"""Appointments, busy times imported from clients' calendars, feed tokens and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, event, func, literal_column, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.base.clock import system_now
from desk.base.search import fold
from desk.models.base import Base
from desk.models.states import AppointmentStatus

if TYPE_CHECKING:
    from desk.models.clients import Client


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        # updated_at last: the feeds' ETag (count, max(updated_at)) is read from the index alone.
        Index("ix_appointments_practitioner_start", "practitioner_id", "starts_at", "updated_at"),
        Index("ix_appointments_client_start", "client_id", "starts_at", "updated_at"),
        Index("ix_appointments_reminder", "status", "reminder_sent_at", "starts_at"),
        # Aujourd'hui: the appointments she booked today.
        Index("ix_appointments_booked_by", "booked_by_id", "created_at"),
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
    # fold(patient_name), kept by the listener below: accent- and case-blind search.
    patient_search: Mapped[str] = mapped_column(String(200), default="", server_default="")
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
    # The event's VEVENT text as the feeds serve it, and what it was built from
    # (sequence|updated_at|variant digest): rebuilt by the next feed read when stale.
    # Deferred: only the feeds read it.
    feed_part: Mapped[str | None] = mapped_column(Text, deferred=True)
    feed_part_key: Mapped[str | None] = mapped_column(String(120), deferred=True)
    # Optimistic concurrency: every ORM UPDATE says `WHERE version = <the one read>` and
    # bumps it, so a write based on a stale read fails (StaleDataError) instead of
    # silently overwriting; API clients send the version they saw (409 when stale).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


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

    # The feeds load it with the token (one statement for a 304).
    client: Mapped[Client] = relationship()


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


@event.listens_for(Appointment, "before_insert")
@event.listens_for(Appointment, "before_update")
def _fold_patient(_mapper: object, _conn: object, appt: Appointment) -> None:
    appt.patient_search = fold(appt.patient_name)[:200]

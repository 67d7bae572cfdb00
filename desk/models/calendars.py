"""The practices' own calendars: CalDAV connections (or e-mail invitations), each pushed
event's place on the server, and the busy times pulled back (see `scheduling/calendars/`)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desk.base.clock import system_now
from desk.models.base import Base


class ConnectionKind(enum.StrEnum):
    CALDAV = "caldav"  # events PUT into a calendar collection, busy times read back
    INVITATION = "invitation"  # iTIP e-mails to the practitioner's calendar address


class ConnectionState(enum.StrEnum):
    ACTIVE = "active"
    FAILING = "failing"  # the last push or pull failed (last_error says why); still retried
    DISCONNECTED = "disconnected"  # kept for its history; nothing is sent any more


class PushState(enum.StrEnum):
    """pending -> pushing -> synced; conflict (the practice edited the event: a
    secretary decides); failed (out of tries)."""

    PENDING = "pending"
    PUSHING = "pushing"
    SYNCED = "synced"
    CONFLICT = "conflict"
    FAILED = "failed"


class CalendarConnection(Base):
    """One calendar a client (or one of its practitioners) lets the desk write into."""

    __tablename__ = "calendar_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    # None: every practitioner of the client.
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16), default=ConnectionKind.CALDAV)
    # The calendar collection (found by discovery), or the address invitations go to.
    url: Mapped[str] = mapped_column(String(1000))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    username: Mapped[str] = mapped_column(String(200), default="")
    # Fernet token of the app password (key: calendars.encryption_key); never shown again.
    password_encrypted: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default=ConnectionState.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(default=system_now)
    disconnected_at: Mapped[datetime | None]
    last_push_at: Mapped[datetime | None]
    last_pull_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
    # RFC 6578: what the server said last; the next pull asks only for what changed.
    sync_token: Mapped[str | None] = mapped_column(String(1000))
    # The last pull that read the whole window (daily, or when the token is refused).
    full_pull_at: Mapped[datetime | None]


class CalendarEvent(Base):
    """One appointment's event in one connected calendar, and the work of keeping it there.

    The row is the push queue too: a booking, move or cancel sets it `pending`; a pusher
    claims it by compare-and-set (`claimed_by`), so two processes never push one event at
    once, and records the server's ETag for the next `If-Match`.
    """

    __tablename__ = "calendar_events"
    __table_args__ = (
        UniqueConstraint("connection_id", "appointment_id"),
        Index("ix_calendar_events_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("calendar_connections.id", ondelete="CASCADE")
    )
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    uid: Mapped[str] = mapped_column(String(100))
    href: Mapped[str | None] = mapped_column(String(1000))
    etag: Mapped[str | None] = mapped_column(String(200))
    pushed_sequence: Mapped[int | None]
    # The server no longer holds it (our DELETE, after a cancel).
    deleted: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(16), default=PushState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=system_now)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    pushed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # A 412: the server's copy as the practice left it, kept for the secretary.
    conflict_at: Mapped[datetime | None]
    server_copy: Mapped[str | None] = mapped_column(Text)


class CalendarBusy(Base):
    """A busy interval read from a connected calendar (the practitioner's own events)."""

    __tablename__ = "calendar_busy"
    __table_args__ = (Index("ix_calendar_busy_client_start", "client_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("calendar_connections.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE")
    )
    # The calendar object it was read from: a changed object replaces its own rows.
    href: Mapped[str] = mapped_column(String(1000), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(String(300), default="")
    fetched_at: Mapped[datetime] = mapped_column(default=system_now)

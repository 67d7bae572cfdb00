"""Clients of the desk, what they buy, and the rules of their practice."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.base.clock import system_now
from desk.models.base import Base


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    greeting: Mapped[str] = mapped_column(Text, default="")
    fiche: Mapped[str] = mapped_column(Text, default="")
    own_line: Mapped[str | None] = mapped_column(String(20))
    # After hours: "voicemail", or "message" (say after_hours_message, naming an emergency number).
    after_hours_mode: Mapped[str] = mapped_column(String(16), default="voicemail")
    after_hours_message: Mapped[str] = mapped_column(Text, default="")
    emergency_number: Mapped[str | None] = mapped_column(String(20))
    # Public holidays: "closed" (after-hours behaviour) or "covered" (covered all day).
    holiday_policy: Mapped[str] = mapped_column(String(16), default="closed")
    holiday_country: Mapped[str] = mapped_column(String(8), default="FR")
    ring_pair_together: Mapped[bool] = mapped_column(default=False)
    # Callers held in the queue at most this long, then voicemail; 0 = no queue.
    queue_max_wait_seconds: Mapped[int] = mapped_column(default=180, server_default="180")
    # Messages: "immediate" (SMS at once) or "digest" (end of coverage); urgent is always at once.
    message_delivery: Mapped[str] = mapped_column(String(16), default="immediate")
    privacy_mode: Mapped[bool] = mapped_column(default=True)
    feed_show_phone: Mapped[bool] = mapped_column(default=False)
    min_notice_minutes: Mapped[int] = mapped_column(default=120)
    cancel_cutoff_minutes: Mapped[int] = mapped_column(default=240)
    reminder_days_before: Mapped[int] = mapped_column(default=1)
    busy_ics_url: Mapped[str | None] = mapped_column(String(1000))
    # Archived clients are inactive (never routed) and keep their history; never deleted.
    active: Mapped[bool] = mapped_column(default=True)
    # Set by the admin's decision for a bad payer (desk/billing): callers get the after-hours path.
    coverage_suspended: Mapped[bool] = mapped_column(default=False, server_default="0")
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=system_now)
    # Bumped with every change its calendar feeds show (desk/models/feed_version.py).
    feed_version: Mapped[int] = mapped_column(default=0, server_default="0")
    feed_changed_at: Mapped[datetime | None]

    desk_numbers: Mapped[list[DeskNumber]] = relationship(back_populates="client")
    coverage_windows: Mapped[list[CoverageWindow]] = relationship(back_populates="client")
    contacts: Mapped[list[Contact]] = relationship(back_populates="client")
    practitioners: Mapped[list[Practitioner]] = relationship(back_populates="client")

    def __repr__(self) -> str:
        return f"<Client {self.slug}>"


class DeskNumber(Base):
    """A Twilio number forwarded to us; looked up by `To` on every call."""

    __tablename__ = "desk_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")

    client: Mapped[Client] = relationship(back_populates="desk_numbers")


class CoverageWindow(Base):
    """Hours the desk answers for a client, in the client's local wall time."""

    __tablename__ = "coverage_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    # ISO weekdays as digits, Monday = 0: "01234" is Monday to Friday.
    weekdays: Mapped[str] = mapped_column(String(7))
    start_local: Mapped[time]
    end_local: Mapped[time]
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]

    client: Mapped[Client] = relationship(back_populates="coverage_windows")


class Closure(Base):
    """Days the practice is closed (whole client, or one practitioner), local dates inclusive."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE")
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")


class Contact(Base):
    """Who at the client receives messages, and how."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    receives_sms: Mapped[bool] = mapped_column(default=True)
    receives_email: Mapped[bool] = mapped_column(default=True)
    urgent_only: Mapped[bool] = mapped_column(default=False)

    client: Mapped[Client] = relationship(back_populates="contacts")


class Practitioner(Base):
    __tablename__ = "practitioners"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    specialty: Mapped[str] = mapped_column(String(200), default="")
    busy_ics_url: Mapped[str | None] = mapped_column(String(1000))
    active: Mapped[bool] = mapped_column(default=True)

    client: Mapped[Client] = relationship(back_populates="practitioners")
    opening_hours: Mapped[list[OpeningHours]] = relationship(back_populates="practitioner")


class AppointmentType(Base):
    __tablename__ = "appointment_types"
    __table_args__ = (UniqueConstraint("client_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    duration_minutes: Mapped[int]
    buffer_minutes: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    # Empty: every practitioner of the client offers it.
    practitioners: Mapped[list[Practitioner]] = relationship(
        secondary="appointment_type_practitioners"
    )


class AppointmentTypePractitioner(Base):
    """Which practitioners offer an appointment type."""

    __tablename__ = "appointment_type_practitioners"

    appointment_type_id: Mapped[int] = mapped_column(
        ForeignKey("appointment_types.id", ondelete="CASCADE"), primary_key=True
    )
    practitioner_id: Mapped[int] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class OpeningHours(Base):
    """A practitioner's weekly hours in local wall time (Monday = 0)."""

    __tablename__ = "opening_hours"
    __table_args__ = (Index("ix_opening_hours_practitioner_weekday", "practitioner_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id", ondelete="CASCADE"))
    weekday: Mapped[int]
    start_local: Mapped[time]
    end_local: Mapped[time]
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]

    practitioner: Mapped[Practitioner] = relationship(back_populates="opening_hours")

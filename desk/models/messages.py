"""Messages taken for clients, and the outbox through which every SMS and e-mail leaves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.base.clock import system_now
from desk.base.search import fold
from desk.models.base import Base
from desk.models.states import MessageSource, OutboxState, Urgency


class Message(Base):
    __tablename__ = "messages"
    # The messages page reads newest first by (created_at, id), for a client or across them.
    __table_args__ = (
        Index("ix_messages_client_created", "client_id", "created_at", "id"),
        Index("ix_messages_created", "created_at", "id"),
        # Aujourd'hui's unread messages, urgent first: a few rows of a long table.
        Index(
            "ix_messages_unread",
            "urgency",
            "created_at",
            sqlite_where=text("acknowledged_at IS NULL"),
            postgresql_where=text("acknowledged_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    source: Mapped[str] = mapped_column(String(16), default=MessageSource.SECRETARY)
    caller_name: Mapped[str] = mapped_column(String(200), default="")
    caller_number: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(200), default="")
    urgency: Mapped[str] = mapped_column(String(8), default=Urgency.NORMAL)
    body: Mapped[str] = mapped_column(Text, default="")
    # fold(caller name, reason, body), kept by the listener below: accent-blind search.
    search: Mapped[str] = mapped_column(Text, default="", server_default="")
    recording_url: Mapped[str | None] = mapped_column(String(500))
    recording_duration: Mapped[int | None]
    transcription: Mapped[str | None] = mapped_column(Text)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("secretaries.id"))
    created_at: Mapped[datetime] = mapped_column(default=system_now)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    digested_at: Mapped[datetime | None]

    deliveries: Mapped[list[Outbox]] = relationship(back_populates="message")


class Outbox(Base):
    """One SMS or e-mail to send. Written in the transaction that decided it, sent after."""

    __tablename__ = "outbox"
    # The sender claims by (state, next_attempt_at); the outbox page reads newest first by
    # (created_at, id), for a client or across them.
    __table_args__ = (
        Index("ix_outbox_state_next", "state", "next_attempt_at"),
        Index("ix_outbox_client_created", "client_id", "created_at", "id"),
        Index("ix_outbox_created", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # a Channel
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # What it is about: message, voicemail-summary, digest, confirmation, reminder, ...
    kind: Mapped[str] = mapped_column(String(32), default="message")
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    state: Mapped[str] = mapped_column(String(16), default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=system_now)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Set by senders that must never enqueue the same thing twice (a digest per window,
    # a reminder per appointment): a second insert fails on the unique constraint.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    permanent_error: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=system_now)
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]

    message: Mapped[Message | None] = relationship(back_populates="deliveries")
    attachments: Mapped[list[OutboxAttachment]] = relationship(order_by="OutboxAttachment.id")


class OutboxAttachment(Base):
    """A file sent with an e-mail of the outbox (an invoice PDF)."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    data: Mapped[bytes] = mapped_column(LargeBinary)


class OptOut(Base):
    """A number that answered STOP (or ARRET…): nothing more is sent to it."""

    __tablename__ = "opt_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    keyword: Mapped[str] = mapped_column(String(32), default="STOP")
    created_at: Mapped[datetime] = mapped_column(default=system_now)


class InboundSms(Base):
    """An SMS received on a desk number, kept once per MessageSid."""

    __tablename__ = "inbound_sms"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_number: Mapped[str] = mapped_column(String(32))
    to_number: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text, default="")
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=system_now)


@event.listens_for(Message, "before_insert")
@event.listens_for(Message, "before_update")
def _fold_message(_mapper: object, _conn: object, message: Message) -> None:
    message.search = fold(
        " ".join((message.caller_name or "", message.reason or "", message.body or ""))
    )

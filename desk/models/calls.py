"""Calls as Twilio reports them, and each secretary we rang for one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.base.clock import system_now
from desk.models.base import Base
from desk.models.states import AttemptOutcome, CallOutcome

CALL_OUTCOMES = tuple(CallOutcome)


class Call(Base):
    __tablename__ = "calls"
    # The call log pages newest first by (started_at, id), for a client or across them;
    # reports read calls by time across clients (the desk-wide roll-up's recounts).
    __table_args__ = (
        Index("ix_calls_client_started", "client_id", "started_at", "id"),
        Index("ix_calls_started_at", "started_at", "id"),
        # The few simulated calls: "not the Simulator's" is a look-up, not a scan.
        Index(
            "ix_calls_simulated",
            "id",
            sqlite_where=text("simulated"),
            postgresql_where=text("simulated"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    to_number: Mapped[str] = mapped_column(String(32))
    caller: Mapped[str] = mapped_column(String(32))
    forwarded_from: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(default=system_now)
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    duration_seconds: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(16), default=CallOutcome.IN_PROGRESS)
    twilio_status: Mapped[str | None] = mapped_column(String(16))
    last_sequence: Mapped[int | None]
    # The ordered responder plan decided at `incoming` (secretary ids), so later
    # callbacks walk the same list even if the rota changes mid-call.
    plan: Mapped[list[Any]] = mapped_column(JSON, default=list)
    recording_sid: Mapped[str | None] = mapped_column(String(64))
    recording_url: Mapped[str | None] = mapped_column(String(500))
    recording_duration: Mapped[int | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("secretaries.id"))
    # Placed by the Simulator (marked at its first webhook): never billed, paid nor
    # reported (`desk.reports.facts.counted`, `desk.billing.missions.gather`).
    simulated: Mapped[bool] = mapped_column(default=False, server_default=false())

    attempts: Mapped[list[CallAttempt]] = relationship(
        back_populates="call", order_by="CallAttempt.position"
    )


def not_simulated(call_id: Any) -> Any:
    """SQL: the row (a message, an appointment) came from no call or from a real one,
    not from the Simulator's (`Call.simulated`)."""
    return or_(call_id.is_(None), call_id.not_in(select(Call.id).where(Call.simulated)))


class CallAttempt(Base):
    """One ring of one secretary (a step of the plan)."""

    __tablename__ = "call_attempts"
    __table_args__ = (
        UniqueConstraint("call_id", "position", "secretary_id"),
        # The web desk polls "did I just accept a call?" per secretary.
        Index("ix_call_attempts_secretary_accepted", "secretary_id", "accepted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up by call through the unique key (call_id, position, secretary_id).
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    position: Mapped[int]
    secretary_id: Mapped[int] = mapped_column(ForeignKey("secretaries.id"))
    number: Mapped[str] = mapped_column(String(32))
    leg_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(default=system_now)
    outcome: Mapped[str] = mapped_column(String(16), default=AttemptOutcome.RINGING)
    accepted_at: Mapped[datetime | None]
    # Her leg's end, as first reported (leg status, dial result, the caller's status).
    ended_at: Mapped[datetime | None]
    duration_seconds: Mapped[int | None]

    call: Mapped[Call] = relationship(back_populates="attempts")


class WebhookReceipt(Base):
    """The response given to one webhook delivery, replayed when Twilio retries it."""

    __tablename__ = "webhook_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    response: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=system_now, index=True)

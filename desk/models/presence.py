"""Who is free on the desk (presence), callers held in the queue, callbacks asked for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Index, String, and_, or_
from sqlalchemy.orm import Mapped, mapped_column

from desk.base.clock import system_now
from desk.models.base import Base
from desk.models.states import PresenceState, WaitingState


class Presence(Base):
    """One row per secretary, made on first use. Ringing her is a compare-and-set on
    `state` (`desk.calls.presence.claim`), so two callers never ring one secretary."""

    __tablename__ = "presence"

    secretary_id: Mapped[int] = mapped_column(
        ForeignKey("secretaries.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(16), default=PresenceState.AVAILABLE)
    since: Mapped[datetime] = mapped_column(default=system_now)
    # Wrapping up: available again from this instant (no job needed to free her).
    until: Mapped[datetime | None]
    # The call and the leg (attempt) behind ringing, on a call or wrapping up.
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("call_attempts.id", ondelete="SET NULL")
    )


def free_condition(at: ColumnElement[datetime]) -> ColumnElement[bool]:
    """Free to be rung at `at`: available, or wrapping up past its end (SQL)."""
    return or_(
        Presence.state == PresenceState.AVAILABLE,
        and_(Presence.state == PresenceState.WRAPPING_UP, Presence.until <= at),
    )


class WaitingCall(Base):
    """A caller held in the queue (`<Enqueue>`), one per call."""

    __tablename__ = "waiting_calls"
    __table_args__ = (Index("ix_waiting_calls_state_since", "state", "since"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    # The order of the queue: a caller not accepted keeps it (back to the head).
    since: Mapped[datetime] = mapped_column(default=system_now)
    state: Mapped[str] = mapped_column(String(16), default=WaitingState.WAITING)
    announcements: Mapped[int] = mapped_column(default=0)
    ended_at: Mapped[datetime | None]  # when she left the queue (taken: her offer's ring)
    # Written when she is taken: the acceptance and the call's first ring (the reports'
    # time to a human, read without the calls).
    answered_at: Mapped[datetime | None]
    first_ring_at: Mapped[datetime | None]


class Callback(Base):
    """A caller asked to be called back (key 2 in the queue)."""

    __tablename__ = "callbacks"
    __table_args__ = (Index("ix_callbacks_client_requested", "client_id", "requested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    call_id: Mapped[int | None] = mapped_column(
        ForeignKey("calls.id", ondelete="SET NULL"), unique=True
    )
    number: Mapped[str] = mapped_column(String(32))
    requested_at: Mapped[datetime] = mapped_column(default=system_now)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

"""Legs whose end was never reported: found here, released by the presence sweep job
(`desk.jobs.presence`), so a lost callback never keeps a secretary off the desk.

A ring that nobody answered cannot outlast its `<Dial timeout>`: past it (and the
screening), she is released. A leg that was answered (screening, or on a call) is asked
about by the job (Twilio's REST API) or released after the maximum call length. No
Flask here; the job owns the transactions and does the network I/O between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desk.calls import presence
from desk.models import Call, CallAttempt, Presence
from desk.models.states import PresenceState

# Margin over the ring timeout and the screening before a ring is surely over.
RING_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class OpenLeg:
    secretary_id: int
    attempt_id: int
    state: PresenceState
    since: datetime
    leg_sid: str | None
    call_sid: str


def open_legs(
    session: Session, at: datetime, ring_seconds: int, ask_after_seconds: int
) -> list[OpenLeg]:
    """Presences ringing longer than a ring can last, or on a call for longer than
    `ask_after_seconds`, with the leg behind them."""
    ring_bound = at - timedelta(seconds=ring_seconds + RING_MARGIN_SECONDS)
    ask_bound = at - timedelta(seconds=ask_after_seconds)
    rows = session.execute(
        select(
            Presence.secretary_id,
            Presence.attempt_id,
            Presence.state,
            Presence.since,
            CallAttempt.leg_sid,
            Call.call_sid,
        )
        .join(CallAttempt, CallAttempt.id == Presence.attempt_id)
        .join(Call, Call.id == CallAttempt.call_id)
        .where(
            or_(
                (Presence.state == PresenceState.RINGING) & (Presence.since <= ring_bound),
                (Presence.state == PresenceState.ON_CALL) & (Presence.since <= ask_bound),
            )
        )
        .order_by(Presence.since)
    ).all()
    return [
        OpenLeg(s, a, PresenceState(st), since, leg, sid)
        for s, a, st, since, leg, sid in rows
        if a is not None
    ]


def release(session: Session, attempt_id: int, ended_at: datetime, wrap_up_seconds: int) -> None:
    """Her leg ended at `ended_at` (as Twilio says, or as the sweep decides)."""
    attempt = session.get(CallAttempt, attempt_id)
    if attempt is None:
        return
    presence.leg_ended(attempt, ended_at)
    presence.settle(session, attempt, wrap_up_seconds)

"""A call's steps: whom each step of its plan rang, and what the caller was told.

Shared by the first webhook (`desk.calls.new_call`) and the later ones
(`desk.calls.routing`): ring a step, find the step being rung, say again what was said.
No Flask here; the view owns the transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.calls.decisions import DIAL, NOT_IN_SERVICE, VOICEMAIL, Decision, dial, step_to_ring
from desk.calls.decisions import after_hours as after_hours_decision
from desk.models import Call, CallAttempt, Client, Secretary
from desk.models.states import AttemptOutcome, CallOutcome


def call_by_sid(session: Session, call_sid: str) -> Call | None:
    return session.scalar(select(Call).where(Call.call_sid == call_sid))


def current_position(session: Session, call: Call) -> int | None:
    """The step of the plan being rung (None: nobody was rung yet)."""
    return session.scalar(
        select(func.max(CallAttempt.position)).where(CallAttempt.call_id == call.id)
    )


def ring(
    session: Session,
    call: Call,
    client: Client,
    position: int,
    at: datetime,
    greet: bool,
    phones: dict[int, str] | None = None,
) -> Decision:
    """Ring step `position` of the call's plan (or the next with someone left), or send
    the caller to voicemail when none is left. `phones` (id -> phone) when the caller
    knows them already; else read for the secretaries left in the plan."""
    plan: list[Any] = call.plan
    if phones is None:
        ids = {int(i) for step in plan[position:] for i in step}
        found = session.execute(select(Secretary.id, Secretary.phone).where(Secretary.id.in_(ids)))
        phones = {i: phone for i, phone in found} if ids else {}
    position, ringing = step_to_ring(plan, position, phones)
    session.add_all(
        CallAttempt(
            call_id=call.id,
            position=position,
            secretary_id=secretary_id,
            number=number,
            started_at=at,
            outcome=AttemptOutcome.RINGING,
        )
        for secretary_id, number in ringing.items()
    )
    return dial(client, position, ringing, greet)


def replay(session: Session, call: Call) -> Decision:
    """The decision already taken for `call` (a repeated or stale webhook)."""
    client = session.get(Client, call.client_id) if call.client_id else None
    if client is None:
        return Decision(NOT_IN_SERVICE)
    if call.outcome == CallOutcome.AFTER_HOURS:
        return after_hours_decision(client)
    position = current_position(session, call)
    attempts = session.scalars(
        select(CallAttempt)
        .where(CallAttempt.call_id == call.id, CallAttempt.position == (position or 0))
        .order_by(CallAttempt.id)
    ).all()
    # As the first answer: the greeting until the call has moved past its first step.
    greeting = (client.greeting or client.name) if not position else ""
    if not attempts:
        return Decision(VOICEMAIL, client.name, greeting, client.locale, step=len(call.plan))
    numbers = tuple(a.number for a in attempts)
    return Decision(DIAL, client.name, greeting, client.locale, numbers, position or 0)

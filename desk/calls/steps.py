"""A call's steps: whom each step of its plan rang, and what the caller was told.

Shared by the first webhook (`desk.calls.new_call`) and the later ones
(`desk.calls.routing`): ring a step, find the step being rung, say again what was said.
No Flask here; the view owns the transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from desk.base.db import connection_of
from desk.calls import presence, queue
from desk.calls.decisions import (
    DIAL,
    NOT_IN_SERVICE,
    VOICEMAIL,
    CallClient,
    Decision,
    dial,
    step_to_ring,
)
from desk.calls.decisions import after_hours as after_hours_decision
from desk.models import Call, CallAttempt, Client, Secretary
from desk.models.states import AttemptOutcome, CallOutcome, WaitingState

# A step's attempts, written without the ORM (their ids bind her presence to her leg).
_ATTEMPTS = insert(CallAttempt).returning(
    CallAttempt.id, CallAttempt.secretary_id, sort_by_parameter_order=True
)


def call_by_sid(session: Session, call_sid: str) -> Call | None:
    return session.scalar(select(Call).where(Call.call_sid == call_sid))


def current_position(session: Session, call: Call) -> int | None:
    """The step of the plan being rung (None: nobody was rung yet)."""
    return session.scalar(
        select(func.max(CallAttempt.position)).where(CallAttempt.call_id == call.id)
    )


def ring(
    session: Session,
    call_id: int,
    plan: list[Any],
    client: CallClient,
    position: int,
    at: datetime,
    greet: bool,
    phones: dict[int, str] | None = None,
    free_read: dict[int, bool | None] | None = None,
) -> Decision:
    """Ring step `position` of the call's plan (or the next with someone left), or send
    the caller to voicemail when none is left. `phones` (id -> phone) when the caller
    knows them already; else read for the secretaries left in the plan. `free_read`:
    who of them was free when the caller read it (with the rota); else read here."""
    if phones is None:
        ids = {int(i) for step in plan[position:] for i in step}
        found = session.execute(select(Secretary.id, Secretary.phone).where(Secretary.id.in_(ids)))
        phones = {i: phone for i, phone in found} if ids else {}
    # One read of who is free; then only those are claimed (compare-and-set): never two
    # callers for one secretary, however old the read.
    if free_read is None:
        free = presence.free_now(session, phones, at)
    else:
        free = presence.free_of(session, {i: free_read.get(i) for i in phones}, at)
    busy = False  # someone eligible is taken: the caller may wait for her
    while True:
        position, candidates = step_to_ring(plan, position, phones)
        wanted = [i for i in candidates if i in free]
        claimed = presence.claim(session, wanted, call_id, at) if wanted else set()
        ringing = {i: n for i, n in candidates.items() if i in claimed}
        if ringing or not candidates:
            break
        busy = True
        position += 1
    if not ringing and busy and client.queue_max_wait_seconds > 0:
        return queue.enqueue(session, call_id, client, at, greet)
    if ringing:
        rows = [
            {"call_id": call_id, "position": position, "secretary_id": secretary_id}
            | {"number": number, "started_at": at, "outcome": AttemptOutcome.RINGING}
            for secretary_id, number in ringing.items()
        ]
        written = connection_of(session).execute(_ATTEMPTS, rows).all()
        for attempt_id, secretary_id in written:
            presence.bind(session, secretary_id, call_id, attempt_id)
    return dial(client, position, ringing, greet)


def replay(session: Session, call: Call) -> Decision:
    """The decision already taken for `call` (a repeated or stale webhook)."""
    client = session.get(Client, call.client_id) if call.client_id else None
    if client is None:
        return Decision(NOT_IN_SERVICE)
    if call.outcome == CallOutcome.AFTER_HOURS:
        return after_hours_decision(client)
    waiting = queue.waiting_of(session, call)
    if waiting is not None and waiting.state == WaitingState.WAITING:
        return queue.hold_decision(client, greet=current_position(session, call) is None)
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

"""Callers held in the queue when nobody eligible is free, and offered to whoever frees up.

The caller waits in Twilio's `<Enqueue>` (`webhooks/twiml.py`); the order of the queue is
ours (`WaitingCall.since`), not Twilio's: a freed secretary is offered the longest-waiting
caller among the clients she serves, by the same rules as routing (`desk.rota.responders`:
her rank for the client, partners only after those on duty), and a caller she does not
accept keeps her place at the head. An offer claims both sides by compare-and-set — the
secretary (`presence.claim`) and the caller (`state = 'waiting'` → `'offered'`) — in one
savepoint, so two dispatchers never offer one caller twice nor one secretary two callers.
The dispatcher (`desk.jobs.queue`) then redirects the caller's call to the offer's TwiML
through Twilio's REST API. No Flask here; the view or job owns the transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, object_session

from desk.base import events
from desk.base.db import connection_of
from desk.calls import presence
from desk.calls.decisions import DIAL, ENQUEUE, CallClient, Decision
from desk.models import Call, CallAttempt, Callback, Client, WaitingCall
from desk.models.states import AttemptOutcome, WaitingState
from desk.rota import responders

log = logging.getLogger(__name__)

HELD = (WaitingState.WAITING, WaitingState.OFFERED)
# Callers looked at per dispatch round (oldest first).
DISPATCH_WINDOW = 50


def queue_name(client: CallClient) -> str:
    return f"client-{client.id}"


def waiting_of(session: Session, call: Call) -> WaitingCall | None:
    return session.scalar(select(WaitingCall).where(WaitingCall.call_id == call.id))


# A WaitingCall once per call; a caller back from an offer keeps her place (`since`).
_HOLD = {
    dialect: insert_(WaitingCall).on_conflict_do_update(
        index_elements=[WaitingCall.call_id],
        set_={"state": WaitingState.WAITING},
        # Not `in_(HELD)`: an IN of a list is rendered again at every execution.
        where=or_(*(WaitingCall.state == state for state in HELD)),
    )
    for dialect, insert_ in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def enqueue(
    session: Session, call_id: int, client: CallClient, at: datetime, greet: bool
) -> Decision:
    """Hold the caller: a WaitingCall (once per call; a caller back from an offer keeps
    her place), then `<Enqueue>`."""
    conn = connection_of(session)
    conn.execute(
        _HOLD[conn.dialect.name], {"call_id": call_id, "client_id": client.id, "since": at}
    )
    queue_changed(session, client.id)
    return hold_decision(client, greet)


def queue_changed(session: Session, client_id: int) -> None:
    """Tell the live pages (after the commit): the client's queue moved."""
    events.publish(session, "queue", client_id=client_id)


def hold_decision(client: CallClient, greet: bool) -> Decision:
    greeting = (client.greeting or client.name) if greet else ""
    return Decision(ENQUEUE, client.name, greeting, client.locale, queue=queue_name(client))


def position(session: Session, waiting: WaitingCall) -> int:
    """Her place among the callers of her client held before her (1 = next)."""
    ahead = session.scalar(
        select(func.count())
        .select_from(WaitingCall)
        .where(
            WaitingCall.client_id == waiting.client_id,
            WaitingCall.state.in_(HELD),
            (WaitingCall.since < waiting.since)
            | ((WaitingCall.since == waiting.since) & (WaitingCall.id < waiting.id)),
        )
    )
    return int(ahead or 0) + 1


@dataclass(frozen=True)
class WaitTurn:
    """What a waiting caller hears next: her position, or leave for voicemail."""

    leave: bool
    position: int = 0
    locale: str = "fr"
    seconds_left: int = 0


def _waiting_by_sid(session: Session, call_sid: str) -> tuple[WaitingCall, Client] | None:
    row = session.execute(
        select(WaitingCall, Client)
        .join(Call, Call.id == WaitingCall.call_id)
        .join(Client, Client.id == WaitingCall.client_id)
        .where(Call.call_sid == call_sid)
    ).first()
    return (row[0], row[1]) if row else None


def wait_turn(session: Session, *, call_sid: str, queue_seconds: int, at: datetime) -> WaitTurn:
    """Twilio's waitUrl: past the client's maximum wait she leaves for voicemail."""
    found = _waiting_by_sid(session, call_sid)
    if found is None:
        return WaitTurn(leave=True)
    waiting, client = found
    if waiting.state not in HELD:
        return WaitTurn(leave=True, locale=client.locale)
    left = client.queue_max_wait_seconds - max(queue_seconds, 0)
    if left <= 0 and waiting.state == WaitingState.WAITING:
        waiting.state = WaitingState.MESSAGE
        waiting.ended_at = at
        return WaitTurn(leave=True, locale=client.locale)
    waiting.announcements += 1
    return WaitTurn(False, position(session, waiting), client.locale, max(left, 1))


def press_key(session: Session, *, call_sid: str, digits: str, at: datetime) -> bool:
    """1 = leave a message, 2 = be called back (a Callback with her number). True: she
    leaves the queue."""
    found = _waiting_by_sid(session, call_sid)
    key = digits.strip()[:1]
    if found is None or key not in ("1", "2"):
        return False
    waiting, client = found
    if waiting.state != WaitingState.WAITING:
        return waiting.state in (WaitingState.MESSAGE, WaitingState.CALLBACK)
    waiting.ended_at = at
    if key == "1":
        waiting.state = WaitingState.MESSAGE
        return True
    waiting.state = WaitingState.CALLBACK
    call = session.get(Call, waiting.call_id)
    assert call is not None
    if session.scalar(select(Callback.id).where(Callback.call_id == call.id)) is None:
        session.add(
            Callback(client_id=client.id, call_id=call.id, number=call.caller, requested_at=at)
        )
    return True


def left_queue(
    session: Session, *, call_sid: str, queue_result: str, at: datetime
) -> WaitingState | None:
    """Twilio's `<Enqueue action>`: how she left. A hang-up while held is abandoned."""
    found = _waiting_by_sid(session, call_sid)
    if found is None:
        return None
    waiting, _ = found
    if queue_result == "hangup" and waiting.state in HELD:
        abandon(waiting, at)
    elif queue_result in ("leave", "queue-full", "error", "system-error") and (
        waiting.state in HELD
    ):
        waiting.state, waiting.ended_at = WaitingState.MESSAGE, at
    return WaitingState(waiting.state)


def locale_of(session: Session, call_sid: str) -> str:
    found = _waiting_by_sid(session, call_sid)
    return found[1].locale if found else "fr"


def abandon(waiting: WaitingCall, at: datetime) -> None:
    waiting.state = WaitingState.ABANDONED
    waiting.ended_at = waiting.ended_at or at
    session = object_session(waiting)
    if session is not None:
        queue_changed(session, waiting.client_id)


def taken(session: Session, call: Call, attempt: CallAttempt) -> None:
    """A secretary took her by `attempt`: she left the queue when that ring began (the
    reports' time waited in the queue ends there); her answer and the call's first ring
    are kept for the reports' time to a human."""
    waiting = waiting_of(session, call)
    if waiting is not None and waiting.state in HELD:
        waiting.state, waiting.ended_at = WaitingState.TAKEN, attempt.started_at
        waiting.answered_at = call.answered_at
        waiting.first_ring_at = session.scalar(
            select(func.min(CallAttempt.started_at)).where(CallAttempt.call_id == call.id)
        )


@dataclass(frozen=True)
class Offer:
    call_sid: str
    attempt_id: int
    secretary_id: int


def offer_next(session: Session, at: datetime) -> Offer | None:
    """Claim one free secretary for the longest-waiting caller she may answer, or None.

    Callers oldest first; for each, her client's responders now in routing's order,
    skipping any already rung for this call. Both claims are compare-and-sets inside a
    savepoint: a caller someone else offered meanwhile undoes the secretary's claim."""
    rows = session.execute(
        select(WaitingCall, Call, Client)
        .join(Call, Call.id == WaitingCall.call_id)
        .join(Client, Client.id == WaitingCall.client_id)
        .where(WaitingCall.state == WaitingState.WAITING, Call.ended_at.is_(None))
        .order_by(WaitingCall.since, WaitingCall.id)
        .limit(DISPATCH_WINDOW)
    ).all()
    for waiting, call, client in rows:
        # Whoever was rung for her already (did not answer, declined) is not offered again.
        already = set(
            session.scalars(select(CallAttempt.secretary_id).where(CallAttempt.call_id == call.id))
        )
        people = [r for step in responders(session, client, at) for r in step]
        presence.ensure(session, (r.secretary_id for r in people), at)
        for responder in people:
            if responder.secretary_id in already:
                continue
            offer = _try_offer(session, waiting, call, responder.secretary_id, responder.phone, at)
            if offer is not None:
                return offer
    return None


def _try_offer(
    session: Session, waiting: WaitingCall, call: Call, secretary_id: int, phone: str, at: datetime
) -> Offer | None:
    savepoint = session.begin_nested()
    if not presence.claim(session, [secretary_id], call.id, at):
        savepoint.rollback()
        return None
    moved = session.execute(
        update(WaitingCall)
        .where(WaitingCall.id == waiting.id, WaitingCall.state == WaitingState.WAITING)
        .values(state=WaitingState.OFFERED)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 0) != 1:
        savepoint.rollback()  # offered by another dispatcher meanwhile: free her again
        return None
    last = session.scalar(
        select(func.max(CallAttempt.position)).where(CallAttempt.call_id == call.id)
    )
    attempt = CallAttempt(
        call_id=call.id,
        position=max(last if last is not None else -1, len(call.plan) - 1) + 1,
        secretary_id=secretary_id,
        number=phone,
        started_at=at,
        outcome=AttemptOutcome.RINGING,
    )
    session.add(attempt)
    session.flush()
    presence.bind(session, secretary_id, call.id, attempt.id)
    savepoint.commit()
    queue_changed(session, waiting.client_id)
    return Offer(call.call_sid, attempt.id, secretary_id)


def offer_failed(session: Session, attempt_id: int, at: datetime) -> None:
    """The redirect did not happen (the caller is gone, or Twilio refused): free her;
    the caller keeps her place if she is still held."""
    attempt = session.get(CallAttempt, attempt_id)
    if attempt is None:
        return
    attempt.outcome = AttemptOutcome.FAILED
    presence.leg_ended(attempt, at)
    presence.settle(session, attempt)
    call = session.get(Call, attempt.call_id)
    waiting = waiting_of(session, call) if call is not None else None
    if waiting is not None and waiting.state == WaitingState.OFFERED:
        if call is not None and call.ended_at is not None:
            abandon(waiting, at)
        else:
            waiting.state = WaitingState.WAITING


def offered_dial(session: Session, *, call_sid: str, attempt_id: int) -> Decision | None:
    """The caller's TwiML after the redirect: ring the secretary claimed for her."""
    attempt = session.get(CallAttempt, attempt_id)
    if attempt is None:
        return None
    call = session.get(Call, attempt.call_id)
    if call is None or call.call_sid != call_sid or call.client_id is None:
        return None
    client = session.get(Client, call.client_id)
    assert client is not None
    return Decision(DIAL, client.name, "", client.locale, (attempt.number,), attempt.position)

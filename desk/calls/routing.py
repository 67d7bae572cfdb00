"""A call's life on the desk after its first webhook (`desk.calls.new_call`): rung step
by step, screened, bridged or sent to voicemail, closed.

No Flask here: the voice webhooks call these functions with plain values and render the
returned `Decision` as TwiML. The plan (who to ring, in order) is decided once, at the
first webhook, and kept on the Call, so later callbacks walk the same list even if the
rota changes mid-call.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base import events
from desk.base.phone import InvalidPhoneNumber, normalise
from desk.calls import presence, queue
from desk.calls.decisions import HANGUP, NOT_IN_SERVICE, VOICEMAIL, Decision
from desk.calls.steps import call_by_sid, current_position, replay, ring
from desk.messages.intake import notify_missed_call, record_voicemail
from desk.models import Call, CallAttempt, Client, Message, Secretary
from desk.models.states import AttemptOutcome, CallOutcome, WaitingState
from desk.people.secretaries import secretary_locale

log = logging.getLogger(__name__)

TERMINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
# What Twilio's DialCallStatus says about the legs of a step nobody accepted. "completed"
# without a bridge means a leg answered but nobody pressed 1 (a carrier voicemail).
_LEG_OUTCOMES = {
    "no-answer": AttemptOutcome.NO_ANSWER,
    "busy": AttemptOutcome.BUSY,
    "failed": AttemptOutcome.FAILED,
    "canceled": AttemptOutcome.NO_ANSWER,
    "completed": AttemptOutcome.NO_KEY,
}


def _attempt_for_leg(session: Session, call: Call, leg_sid: str, to: str) -> CallAttempt | None:
    """The attempt of the current step that rang `to` (the secretary's leg)."""
    attempt = session.scalar(
        select(CallAttempt).where(CallAttempt.call_id == call.id, CallAttempt.leg_sid == leg_sid)
    )
    if attempt is not None:
        return attempt
    try:
        number = normalise(to)
    except InvalidPhoneNumber:
        number = to
    return session.scalar(
        select(CallAttempt)
        .where(CallAttempt.call_id == call.id, CallAttempt.number == number)
        .order_by(CallAttempt.position.desc())
        .limit(1)
    )


def screen(session: Session, *, parent_call_sid: str, leg_sid: str, to: str) -> str:
    """A secretary's phone answered: note her leg; return the client's name to announce."""
    call = call_by_sid(session, parent_call_sid)
    if call is None or call.client_id is None:
        return ""
    attempt = _attempt_for_leg(session, call, leg_sid, to)
    if attempt is not None and attempt.leg_sid is None:
        attempt.leg_sid = leg_sid
    client = session.get(Client, call.client_id)
    return client.name if client else ""


def leg_locale(session: Session, leg_sid: str) -> str | None:
    """The language of the secretary whose leg `leg_sid` is (None: no attempt names it)."""
    her = session.scalar(
        select(Secretary).join(CallAttempt).where(CallAttempt.leg_sid == leg_sid).limit(1)
    )
    return secretary_locale(session, her) if her is not None else None


def screen_result(
    session: Session,
    *,
    parent_call_sid: str,
    leg_sid: str,
    to: str,
    digits: str,
    at: datetime,
    wrap_up_seconds: int = presence.WRAP_UP_SECONDS,
) -> bool:
    """Her answer to "press 1": True bridges her to the caller (on a call), False hangs
    her leg up (available again).

    No key at all is what a mobile's voicemail does: it never takes the call.
    """
    call = call_by_sid(session, parent_call_sid)
    if call is None:
        return False
    attempt = _attempt_for_leg(session, call, leg_sid, to)
    if attempt is None:
        return False
    attempt.leg_sid = attempt.leg_sid or leg_sid
    if digits.strip() != "1" or (
        call.handled_by_id is not None and call.handled_by_id != attempt.secretary_id
    ):
        if attempt.accepted_at is None:
            attempt.outcome = (
                AttemptOutcome.NO_KEY
                if not digits.strip()
                else AttemptOutcome.DECLINED  # another key, or her pair partner was quicker
            )
        presence.leg_ended(attempt, at)  # her leg is hung up
        presence.settle(session, attempt, wrap_up_seconds)
        return False
    if call.ended_at is not None:
        # The caller hung up while she was being offered the call: nothing to bridge.
        presence.leg_ended(attempt, at)
        presence.settle(session, attempt, wrap_up_seconds)
        return False
    attempt.outcome = AttemptOutcome.ACCEPTED
    attempt.accepted_at = attempt.accepted_at or at
    call.handled_by_id = attempt.secretary_id
    call.answered_at = call.answered_at or at
    call.outcome = CallOutcome.ANSWERED
    presence.settle(session, attempt, wrap_up_seconds)
    events.publish(session, "call-accepted", call_id=call.id, secretary_id=attempt.secretary_id)
    return True


def leg_status(
    session: Session,
    *,
    parent_call_sid: str,
    leg_sid: str,
    to: str,
    status: str,
    at: datetime,
    wrap_up_seconds: int = presence.WRAP_UP_SECONDS,
) -> None:
    """Her leg's own status callback (`statusCallback` on `<Number>`): answered, or ended.
    An end frees her (or starts her wrap-up if she had taken the call)."""
    call = call_by_sid(session, parent_call_sid)
    if call is None:
        log.warning("leg status %s for unknown call %s", status, parent_call_sid)
        return
    attempt = _attempt_for_leg(session, call, leg_sid, to)
    if attempt is None:
        return
    if attempt.leg_sid is None and leg_sid:
        attempt.leg_sid = leg_sid
    if status in TERMINAL_STATUSES:
        presence.leg_ended(attempt, at)
    presence.settle(session, attempt, wrap_up_seconds)


def dial_result(
    session: Session,
    *,
    call_sid: str,
    step: int | None,
    dial_status: str,
    bridged: bool,
    duration: int | None,
    at: datetime,
    wrap_up_seconds: int = presence.WRAP_UP_SECONDS,
) -> Decision:
    """A <Dial> ended: done when a secretary took the call, else the next step or voicemail."""
    call = call_by_sid(session, call_sid)
    if call is None or call.client_id is None:
        return Decision(VOICEMAIL) if call is None else Decision(NOT_IN_SERVICE)
    client = session.get(Client, call.client_id)
    assert client is not None
    position = current_position(session, call)
    if position is None:
        return Decision(VOICEMAIL, client.name, "", client.locale)
    if step is not None and step != position:
        return replay(session, call)  # a stale or repeated callback: say what we said
    attempts = session.scalars(
        select(CallAttempt).where(CallAttempt.call_id == call.id, CallAttempt.position == position)
    ).all()
    accepted = [a for a in attempts if a.outcome == AttemptOutcome.ACCEPTED]
    for attempt in attempts:  # the <Dial> is over: every leg of the step has ended
        presence.leg_ended(attempt, at)
    presence.settle_all(session, attempts, wrap_up_seconds)
    if accepted and (bridged or dial_status == "completed"):
        accepted[0].duration_seconds = duration
        for attempt in attempts:
            if attempt.outcome == AttemptOutcome.RINGING:
                attempt.outcome = AttemptOutcome.NO_ANSWER
        queue.taken(session, call, accepted[0])
        return Decision(HANGUP, client.name, locale=client.locale)
    for attempt in attempts:
        if attempt.outcome in (AttemptOutcome.RINGING, AttemptOutcome.ACCEPTED):
            # An accepted leg whose bridge failed (she hung up first) counts as a miss.
            attempt.outcome = _LEG_OUTCOMES.get(dial_status, AttemptOutcome.NO_ANSWER)
    if call.ended_at is not None:
        return Decision(HANGUP, client.name, locale=client.locale)  # the caller hung up
    if call.handled_by_id is not None and accepted:
        call.handled_by_id, call.answered_at, call.outcome = None, None, CallOutcome.IN_PROGRESS
    waiting = queue.waiting_of(session, call)
    if waiting is not None and waiting.state == WaitingState.OFFERED:
        # Offered from the queue and not taken: back to the head of the queue.
        return queue.enqueue(session, call.id, client, at, greet=False)
    return ring(session, call.id, call.plan, client, position + 1, at, greet=False)


def save_voicemail(
    session: Session,
    *,
    call_sid: str,
    recording_url: str | None,
    recording_sid: str | None,
    duration: int | None,
) -> Message | None:
    """The caller left a recording: keep it on the Call and make it a Message (once)."""
    call = call_by_sid(session, call_sid)
    if call is None or call.client_id is None:
        log.warning("recording %s for unknown call %s: %s", recording_sid, call_sid, recording_url)
        return None
    if not recording_url or duration == 0:
        return None  # hung up before the beep: the status callback marks the call missed
    call.recording_url = recording_url
    call.recording_sid = recording_sid or call.recording_sid
    call.recording_duration = duration
    if call.outcome in (CallOutcome.IN_PROGRESS, CallOutcome.MISSED):
        call.outcome = CallOutcome.VOICEMAIL
    return record_voicemail(
        session,
        call,
        recording_url=recording_url,
        duration_seconds=duration,
        recording_sid=recording_sid,
    )


def close_call(
    session: Session,
    *,
    call_sid: str,
    status: str,
    duration: int | None,
    sequence: int | None,
    at: datetime,
    wrap_up_seconds: int = presence.WRAP_UP_SECONDS,
) -> Call | None:
    """A status callback. Repeats and late arrivals (lower SequenceNumber) change nothing."""
    call = call_by_sid(session, call_sid)
    if call is None:
        log.warning("status %s for unknown call %s", status, call_sid)
        return None
    if sequence is not None and call.last_sequence is not None and sequence <= call.last_sequence:
        return call
    terminal = status in TERMINAL_STATUSES
    if call.ended_at is not None and not terminal:
        return call  # a progress event overtaken by the end of the call
    if sequence is not None:
        call.last_sequence = sequence
    if call.ended_at is not None:
        return call
    call.twilio_status = status
    if not terminal:
        return call
    call.ended_at = at
    call.duration_seconds = duration
    events.publish(session, "call-ended", call_id=call.id, secretary_id=call.handled_by_id)
    # The caller is gone: every leg of hers has ended (a secretary rung is free again).
    for attempt in call.attempts:
        presence.leg_ended(attempt, at)
    presence.settle_all(session, call.attempts, wrap_up_seconds)
    waiting = queue.waiting_of(session, call)
    if waiting is not None and waiting.state in queue.HELD:
        queue.abandon(waiting, at)  # hung up while held (or while being offered)
    if call.outcome == CallOutcome.IN_PROGRESS:
        if call.handled_by_id is not None:
            call.outcome = CallOutcome.ANSWERED
        elif call.recording_url:
            call.outcome = CallOutcome.VOICEMAIL
        else:
            call.outcome = CallOutcome.MISSED
            notify_missed_call(session, call)
    return call

"""The queue's voice webhooks: a held caller's turns, her keys, how she left, and the
offer a freed secretary is rung for (docs/decisions.md, "The queue"). Same shape as
`webhooks/voice.py`: signed, one domain call per view, receipts, never a dead line."""

from __future__ import annotations

from flask import Response, request
from sqlalchemy.orm import Session

from desk.base.parse import int_in_range
from desk.calls import queue
from desk.models.states import WaitingState
from webhooks import bp, twiml
from webhooks.signature import twilio_signed
from webhooks.voice import call_time, caller_fallback, form_int, handle_delivery, voice_config


@bp.post("/voice/queue-wait")
@twilio_signed
def queue_wait() -> Response:
    """Twilio's waitUrl, asked again each time its TwiML ends (about every 45 s)."""
    form = request.form

    def work(session: Session) -> str:
        turn = queue.wait_turn(
            session,
            call_sid=form.get("CallSid", ""),
            queue_seconds=form_int("QueueTime") or 0,
            at=call_time(),
        )
        if turn.leave:
            return twiml.leave_queue()
        return twiml.queue_wait(turn.position, turn.locale, turn.seconds_left, voice_config())

    # Whatever failed, she stays held (the waitUrl is asked again) rather than dropped.
    return handle_delivery(("CallSid", "QueueTime"), work, twiml.empty)


@bp.post("/voice/queue-key")
@twilio_signed
def queue_key() -> Response:
    """A key pressed while held: 1 = a message, 2 = a callback; anything else, hold on."""
    form = request.form

    def work(session: Session) -> str:
        leaves = queue.press_key(
            session, call_sid=form.get("CallSid", ""), digits=form.get("Digits", ""), at=call_time()
        )
        return twiml.leave_queue() if leaves else twiml.empty()

    return handle_delivery(("CallSid", "Digits", "QueueTime"), work, twiml.leave_queue)


@bp.post("/voice/queue-result")
@twilio_signed
def queue_result() -> Response:
    """The `<Enqueue action>`: she hung up (abandoned), or left for a message or a callback."""
    form = request.form
    result = form.get("QueueResult", "")

    def work(session: Session) -> str:
        state = queue.left_queue(
            session, call_sid=form.get("CallSid", ""), queue_result=result, at=call_time()
        )
        if result in ("hangup", "bridged", "redirected") or state is None:
            return twiml.empty()
        locale = queue.locale_of(session, form.get("CallSid", ""))
        return twiml.after_queue(state == WaitingState.CALLBACK, locale, voice_config())

    return handle_delivery(("CallSid", "QueueResult"), work, caller_fallback)


@bp.post("/voice/queue-offer")
@twilio_signed
def queue_offer() -> Response:
    """Where the dispatcher redirects a held caller: ring the secretary claimed for her."""
    form = request.form
    attempt_id = int_in_range(request.args.get("attempt", ""), high=2**31 - 1)

    def work(session: Session) -> str:
        decision = (
            queue.offered_dial(session, call_sid=form.get("CallSid", ""), attempt_id=attempt_id)
            if attempt_id is not None
            else None
        )
        if decision is None:
            return twiml.after_queue(False, "fr", voice_config())
        return twiml.for_decision(decision, voice_config())

    return handle_delivery(("CallSid",), work, caller_fallback)

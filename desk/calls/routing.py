"""A call's life on the desk: created once per CallSid, planned, rung step by step, closed.

No Flask here: the voice webhooks call these functions with plain values and render the
returned `Decision` as TwiML. The plan (who to ring, in order) is decided once, at the
first webhook, and kept on the Call, so later callbacks walk the same list even if the
rota changes mid-call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, select
from sqlalchemy.orm import Session

from desk.base.db import connection_of
from desk.base.phone import InvalidPhoneNumber, normalise
from desk.calls import day_numbers, incoming
from desk.calls.day_rotas import day_rota, kept_rota
from desk.messages.intake import notify_missed_call, record_voicemail
from desk.models import Call, CallAttempt, Client, Message, Secretary
from desk.models.states import AttemptOutcome, CallOutcome
from desk.rota import Rota

log = logging.getLogger(__name__)


class Action(StrEnum):
    """What a Decision tells the webhooks to do with the caller."""

    DIAL = "dial"
    VOICEMAIL = "voicemail"
    AFTER_HOURS = "after-hours"
    NOT_IN_SERVICE = "not-in-service"
    HANGUP = "hangup"


# Module names the webhooks import.
DIAL = Action.DIAL
VOICEMAIL = Action.VOICEMAIL
AFTER_HOURS = Action.AFTER_HOURS
NOT_IN_SERVICE = Action.NOT_IN_SERVICE
HANGUP = Action.HANGUP

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


@dataclass(frozen=True)
class Decision:
    """What to do with the caller now; the webhooks turn it into TwiML."""

    action: Action
    client_name: str = ""
    greeting: str = ""
    locale: str = "fr"
    numbers: tuple[str, ...] = ()
    step: int = 0
    message: str = ""  # said before recording (after hours)


_CALL_BY_SID = select(Call).where(Call.call_sid == bindparam("sid"))


def call_by_sid(session: Session, call_sid: str) -> Call | None:
    return session.scalar(_CALL_BY_SID, {"sid": call_sid})


def start_call(
    session: Session,
    *,
    call_sid: str,
    to: str,
    caller: str,
    forwarded_from: str | None,
    at: datetime,
) -> Decision:
    """The first webhook of a call: one Call row per CallSid, the plan, the first step.

    Few statements, Core inserts (`desk.calls.incoming`): this runs on every call that
    `kept_call` cannot decide alone.
    """
    conn = connection_of(session)
    found = incoming.lookup(conn, call_sid, to, at)
    if found.call_id is not None:
        call = session.get(Call, found.call_id)
        assert call is not None
        if call.to_number != to:
            # A CallSid is Twilio's, unique per call: the same one on another number is
            # forged or broken. Never answer with the other client's call (its name, its
            # secretaries' phones).
            log.warning("call %s arrived on %s, known on another number: refused", call_sid, to)
            return Decision(NOT_IN_SERVICE)
        return _replay(session, call)
    fields: dict[str, Any] = dict(
        call_sid=call_sid, to=to, caller=caller, forwarded_from=forwarded_from, at=at
    )
    client, rules = found.client, found.rules
    if client is None or rules is None:
        incoming.insert_call(
            conn, client_id=None, outcome=CallOutcome.NOT_IN_SERVICE, plan=[], **fields
        )
        log.warning("call %s to %s: no client has this desk number", call_sid, to)
        return Decision(NOT_IN_SERVICE)
    covered = rules.at(at).covered
    new = _new_call(client, covered, at, lambda: day_rota(conn, client, at, found.rota_version))
    assert new is not None  # day_rota always answers
    call_id = incoming.insert_call(
        conn, client_id=client.id, outcome=new.outcome, plan=new.plan, **fields
    )
    if new.ringing:
        incoming.insert_attempts(conn, call_id, new.position, new.ringing, at)
    return new.decision


@dataclass(frozen=True)
class NewCall:
    """A new call's first answer, and what is written for it: the Call's outcome and
    plan, the step rung now and whom it rings (secretary id -> phone)."""

    decision: Decision
    client_id: int
    outcome: CallOutcome
    plan: list[list[int]]
    position: int = 0
    ringing: dict[int, str] = field(default_factory=dict)


def _new_call(
    client: Client, covered: bool, at: datetime, rota: Callable[[], Rota | None]
) -> NewCall | None:
    """What a new call at `at` does (None: `rota` has none to give)."""
    # A client suspended for not paying (desk/billing) gets the after-hours path.
    if client.coverage_suspended or not covered:
        return NewCall(_after_hours(client), client.id, CallOutcome.AFTER_HOURS, [])
    found = rota()
    if found is None:
        return None
    steps = found.plan(at)
    plan = [[r.secretary_id for r in step] for step in steps]
    phones = {r.secretary_id: r.phone for step in steps for r in step}
    position, ringing = _step_to_ring(plan, 0, phones)
    decision = _dial(client, position, ringing, greet=True)
    return NewCall(decision, client.id, CallOutcome.IN_PROGRESS, plan, position, ringing)


def kept_call(engine: Engine, *, to: str, at: datetime) -> tuple[int, NewCall] | None:
    """A new call on desk number `to` decided from what this process keeps, without a
    statement (`day_numbers`, `day_rotas`), and the routing version it was kept at; None
    when something is not kept (`start_call` decides then)."""
    found = day_numbers.kept(engine, to, at)
    if found is None:
        return None
    version, kept = found
    client = kept.client
    covered = kept.is_covered(at)
    new = _new_call(client, covered, at, lambda: kept_rota(engine, client, at, version))
    return None if new is None else (version, new)


def record_kept_call(
    conn: Connection,
    version: int,
    new: NewCall,
    *,
    call_sid: str,
    to: str,
    caller: str,
    forwarded_from: str | None,
    at: datetime,
) -> bool:
    """Write a call `kept_call` decided if its version still stands (True); else nothing
    is written (False: something routing reads changed, `start_call` decides again).
    A CallSid already known fails on its unique key (IntegrityError), as in `start_call`.
    """
    call_id = incoming.insert_kept_call(
        conn,
        version=version,
        call_sid=call_sid,
        client_id=new.client_id,
        to=to,
        caller=caller,
        forwarded_from=forwarded_from,
        at=at,
        outcome=new.outcome,
        plan=new.plan,
        position=new.position,
        ringing=new.ringing,
    )
    return call_id is not None


def _after_hours(client: Client) -> Decision:
    message = client.after_hours_message if client.after_hours_mode == "message" else ""
    return Decision(AFTER_HOURS, client.name, locale=client.locale, message=message)


def _step_to_ring(
    plan: list[Any], position: int, phones: dict[int, str]
) -> tuple[int, dict[int, str]]:
    """The first step from `position` with someone to ring, and whom (id -> phone); past
    the plan's end and nobody when none is left. A secretary without a phone in `phones`
    (deleted since the plan was made) is skipped: never fail the caller."""
    while position < len(plan):
        ringing = {int(i): phones[int(i)] for i in plan[position] if int(i) in phones}
        if ringing:
            return position, ringing
        position += 1
    return position, {}


def _dial(client: Client, position: int, ringing: dict[int, str], greet: bool) -> Decision:
    greeting = (client.greeting or client.name) if greet else ""
    if ringing:
        numbers = tuple(ringing.values())
        return Decision(DIAL, client.name, greeting, client.locale, numbers, position)
    return Decision(VOICEMAIL, client.name, greeting, client.locale, step=position)


def _ring(
    session: Session | Connection,
    call_id: int,
    plan: list[Any],
    client: Client,
    position: int,
    at: datetime,
    greet: bool,
) -> Decision:
    """Ring step `position` of the plan (or the next with someone left), or send the
    caller to voicemail when none is left."""
    conn = connection_of(session)
    ids = {int(i) for step in plan[position:] for i in step}
    phones: dict[int, str] = {}
    if ids:
        query = select(Secretary.id, Secretary.phone).where(Secretary.id.in_(ids))
        phones = {i: phone for i, phone in conn.execute(query)}
    position, ringing = _step_to_ring(plan, position, phones)
    if ringing:
        incoming.insert_attempts(conn, call_id, position, ringing, at)
    return _dial(client, position, ringing, greet)


def _current_position(session: Session, call: Call) -> int | None:
    return session.scalar(
        select(func.max(CallAttempt.position)).where(CallAttempt.call_id == call.id)
    )


def _replay(session: Session, call: Call) -> Decision:
    """The decision already taken for `call` (a repeated first webhook)."""
    client = session.get(Client, call.client_id) if call.client_id else None
    if client is None:
        return Decision(NOT_IN_SERVICE)
    if call.outcome == CallOutcome.AFTER_HOURS:
        return _after_hours(client)
    position = _current_position(session, call)
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


def screen_result(
    session: Session, *, parent_call_sid: str, leg_sid: str, to: str, digits: str, at: datetime
) -> bool:
    """Her answer to "press 1": True bridges her to the caller, False hangs her leg up.

    No key at all is what a mobile's voicemail does: it never takes the call.
    """
    call = call_by_sid(session, parent_call_sid)
    if call is None:
        return False
    attempt = _attempt_for_leg(session, call, leg_sid, to)
    if attempt is None:
        return False
    attempt.leg_sid = attempt.leg_sid or leg_sid
    if digits.strip() != "1":
        attempt.outcome = AttemptOutcome.NO_KEY if not digits.strip() else AttemptOutcome.DECLINED
        return False
    if call.handled_by_id is not None and call.handled_by_id != attempt.secretary_id:
        attempt.outcome = AttemptOutcome.DECLINED  # her pair partner was quicker
        return False
    attempt.outcome = AttemptOutcome.ACCEPTED
    attempt.accepted_at = at
    call.handled_by_id = attempt.secretary_id
    call.answered_at = at
    call.outcome = CallOutcome.ANSWERED
    return True


def dial_result(
    session: Session,
    *,
    call_sid: str,
    step: int | None,
    dial_status: str,
    bridged: bool,
    duration: int | None,
    at: datetime,
) -> Decision:
    """A <Dial> ended: done when a secretary took the call, else the next step or voicemail."""
    call = call_by_sid(session, call_sid)
    if call is None or call.client_id is None:
        return Decision(VOICEMAIL) if call is None else Decision(NOT_IN_SERVICE)
    client = session.get(Client, call.client_id)
    assert client is not None
    position = _current_position(session, call)
    if position is None:
        return Decision(VOICEMAIL, client.name, "", client.locale)
    if step is not None and step != position:
        return _replay(session, call)  # a stale or repeated callback: say what we said
    attempts = session.scalars(
        select(CallAttempt).where(CallAttempt.call_id == call.id, CallAttempt.position == position)
    ).all()
    accepted = [a for a in attempts if a.outcome == AttemptOutcome.ACCEPTED]
    if accepted and (bridged or dial_status == "completed"):
        accepted[0].duration_seconds = duration
        for attempt in attempts:
            if attempt.outcome == AttemptOutcome.RINGING:
                attempt.outcome = AttemptOutcome.NO_ANSWER
        return Decision(HANGUP, client.name, locale=client.locale)
    for attempt in attempts:
        if attempt.outcome in (AttemptOutcome.RINGING, AttemptOutcome.ACCEPTED):
            # An accepted leg whose bridge failed (she hung up first) counts as a miss.
            attempt.outcome = _LEG_OUTCOMES.get(dial_status, AttemptOutcome.NO_ANSWER)
    if call.handled_by_id is not None and accepted:
        call.handled_by_id, call.answered_at, call.outcome = None, None, CallOutcome.IN_PROGRESS
    return _ring(session, call.id, call.plan, client, position + 1, at, greet=False)


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
    if call.outcome == CallOutcome.IN_PROGRESS:
        if call.handled_by_id is not None:
            call.outcome = CallOutcome.ANSWERED
        elif call.recording_url:
            call.outcome = CallOutcome.VOICEMAIL
        else:
            call.outcome = CallOutcome.MISSED
            notify_missed_call(session, call)
    return call

"""A call's first webhook: one Call row per CallSid, its plan and its first step.

Read top to bottom: the CallSid already known (a repeated delivery) is answered as
before; else the client on the desk number, whether the desk covers it now
(`desk.rota.coverage`), who to ring in what order (`desk.rota.responders`), the Call
written with that plan and the first step rung (`desk.calls.steps`). No Flask here;
the view owns the transaction (webhooks/voice.py).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.phone import InvalidPhoneNumber, normalise
from desk.calls.decisions import NOT_IN_SERVICE, Decision, after_hours
from desk.calls.steps import call_by_sid, replay, ring
from desk.models import Call, Client, DeskNumber
from desk.models.states import CallOutcome
from desk.rota import coverage, responders

log = logging.getLogger(__name__)


def start_call(
    session: Session,
    *,
    call_sid: str,
    to: str,
    caller: str,
    forwarded_from: str | None,
    at: datetime,
) -> Decision:
    """The first webhook of a call: its Call row (unique by CallSid), the plan, the first
    step. A twin delivery that wrote the Call meanwhile fails on the unique key
    (IntegrityError): the view then asks again and gets the replay."""
    known = call_by_sid(session, _text(call_sid))
    if known is not None:
        if known.to_number != _text(to)[:32]:
            # A CallSid is Twilio's, unique per call: the same one on another number is
            # forged or broken. Never answer with the other client's call (its name, its
            # secretaries' phones).
            log.warning("call %r arrived on %r, known on another number: refused", call_sid, to)
            return Decision(NOT_IN_SERVICE)
        return replay(session, known)
    call = Call(
        call_sid=_text(call_sid),
        to_number=_text(to)[:32],
        caller=_text(caller or "anonymous")[:32],
        forwarded_from=_text(forwarded_from or "")[:32] or None,
        started_at=at,
        plan=[],
    )
    client = client_on_number(session, to)
    if client is None:
        log.warning("call %r to %r: no client has this desk number", call_sid, to)
        _write(session, call, CallOutcome.NOT_IN_SERVICE)
        return Decision(NOT_IN_SERVICE)
    call.client_id = client.id
    # A client suspended for not paying (desk/billing) gets the after-hours path.
    if client.coverage_suspended or not coverage(session, client, at).covered:
        _write(session, call, CallOutcome.AFTER_HOURS)
        return after_hours(client)
    steps = responders(session, client, at)
    call.plan = [[r.secretary_id for r in step] for step in steps]
    _write(session, call, CallOutcome.IN_PROGRESS)
    phones = {r.secretary_id: r.phone for step in steps for r in step}
    return ring(session, call, client, 0, at, greet=True, phones=phones)


def _write(session: Session, call: Call, outcome: CallOutcome) -> None:
    """Insert the Call now: its CallSid's unique key is checked before anyone is rung."""
    call.outcome = outcome
    session.add(call)
    session.flush()


def client_on_number(session: Session, to: str) -> Client | None:
    """The active client whose desk number is `to` (as Twilio sends it, or normalised)."""
    numbers = {to}
    with contextlib.suppress(InvalidPhoneNumber):
        numbers.add(normalise(to))
    return session.scalar(
        select(Client)
        .join(DeskNumber, DeskNumber.client_id == Client.id)
        .where(DeskNumber.number.in_(sorted(numbers)), Client.active.is_(True))
        .limit(1)
    )


def _text(value: str) -> str:
    """`value` without NUL characters, which PostgreSQL refuses in text (and no number
    holds): the call is recorded, not lost to a database error."""
    if "\x00" not in value:
        return value
    log.warning("NUL characters removed from a call's field: %r", value)
    return value.replace("\x00", "")

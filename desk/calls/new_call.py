"""A call's first webhook: one Call row per CallSid, its plan and its first step.

Decided from what the process keeps when it can (`kept_call`, no statement, then
`record_kept_call`, one write checked against the routing version), else from a lookup
(`start_call`). No Flask here; the view owns the transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from desk.base.db import connection_of
from desk.calls import day_numbers, incoming
from desk.calls.day_rotas import day_rota, kept_rota
from desk.calls.decisions import (
    DIAL,
    NOT_IN_SERVICE,
    VOICEMAIL,
    Decision,
    after_hours,
    dial,
    step_to_ring,
)
from desk.models import Call, CallAttempt, Client
from desk.models.states import CallOutcome
from desk.rota import Rota

log = logging.getLogger(__name__)


def start_call(
    session: Session,
    *,
    call_sid: str,
    to: str,
    caller: str,
    forwarded_from: str | None,
    at: datetime,
    simulated: bool = False,
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
        return replay(session, call)
    fields: dict[str, Any] = dict(
        call_sid=call_sid,
        to=to,
        caller=caller,
        forwarded_from=forwarded_from,
        at=at,
        simulated=simulated,
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
        return NewCall(after_hours(client), client.id, CallOutcome.AFTER_HOURS, [])
    found = rota()
    if found is None:
        return None
    steps = found.plan(at)
    plan = [[r.secretary_id for r in step] for step in steps]
    phones = {r.secretary_id: r.phone for step in steps for r in step}
    position, ringing = step_to_ring(plan, 0, phones)
    decision = dial(client, position, ringing, greet=True)
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
    simulated: bool = False,
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
        simulated=simulated,
    )
    return call_id is not None


def current_position(session: Session, call: Call) -> int | None:
    return session.scalar(
        select(func.max(CallAttempt.position)).where(CallAttempt.call_id == call.id)
    )


def replay(session: Session, call: Call) -> Decision:
    """The decision already taken for `call` (a repeated first webhook)."""
    client = session.get(Client, call.client_id) if call.client_id else None
    if client is None:
        return Decision(NOT_IN_SERVICE)
    if call.outcome == CallOutcome.AFTER_HOURS:
        return after_hours(client)
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

"""A call's first webhook: one Call row per CallSid, its plan and its first step.

Read top to bottom, in two parts. `look_up` reads: one statement for the client on the
desk number, its coverage and whether the CallSid is known; whether the desk covers the
call now (`desk.rota.CoverageRules`); one for who to ring in what order and who of them
is free (`desk.rota.Rota` with `free_at`). `start_call` writes: a known CallSid answered
as before (a repeated delivery), else the Call with that plan and the first step rung
(`desk.calls.steps`: a compare-and-set claims whom the read found free). No Flask here;
the view owns the transactions (webhooks/voice.py): on SQLite it reads before it takes
the write lock, so only the writes wait for the other workers.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import and_, bindparam, insert, select
from sqlalchemy.orm import Session

from desk.base.db import connection_of
from desk.base.phone import InvalidPhoneNumber, normalise
from desk.calls.decisions import NOT_IN_SERVICE, CallClient, Decision, after_hours
from desk.calls.steps import call_by_sid, replay, ring
from desk.models import Call, Client, Closure, CoverageWindow, DeskNumber
from desk.models.states import CallOutcome
from desk.rota import CoverageRules, Rota, Step

log = logging.getLogger(__name__)


# The client on a desk number (the columns a call reads), its coverage windows and the
# closures near the call (a superset: `CoverageRules` reads them by local day) and
# whether the CallSid is known, in one statement: a row per window and closure.
_CLIENT: tuple[str, ...] = ("id", "name", "greeting", "locale", "timezone", "holiday_policy")
_CLIENT += ("holiday_country", "coverage_suspended", "after_hours_mode", "after_hours_message")
_CLIENT += ("queue_max_wait_seconds", "ring_pair_together")
_WINDOW = ("weekdays", "start_local", "end_local", "valid_from", "valid_until")
_LOOKUP = (
    select(
        select(Call.id).where(Call.call_sid == bindparam("sid")).scalar_subquery().label("known"),
        *Client.__table__.c[_CLIENT],
        *CoverageWindow.__table__.c[_WINDOW],
        Closure.starts_on,
        Closure.ends_on,
    )
    .join(DeskNumber, DeskNumber.client_id == Client.id)
    .outerjoin(CoverageWindow, CoverageWindow.client_id == Client.id)
    .outerjoin(
        Closure,
        and_(
            Closure.client_id == Client.id,
            Closure.practitioner_id.is_(None),
            Closure.starts_on <= bindparam("last"),
            Closure.ends_on >= bindparam("first"),
        ),
    )
    .where(DeskNumber.number == bindparam("number"), Client.active.is_(True))
)
_CALL = insert(Call).returning(Call.id)


@dataclass(frozen=True)
class Arrival:
    """What a call's first webhook reads before it writes (`look_up`)."""

    call: dict[str, Any]  # the Call's columns as the webhook gave them
    maybe_known: bool  # the CallSid may be known: looked up again when writing
    client: CallClient | None  # None: no active client has the number
    covered: bool = False
    steps: list[Step] = field(default_factory=list)
    # Who of the rota was free when read (None: no presence row yet); the claim checks.
    free: dict[int, bool | None] = field(default_factory=dict)


def look_up(
    session: Session,
    *,
    call_sid: str,
    to: str,
    caller: str,
    forwarded_from: str | None,
    at: datetime,
    simulated: bool = False,
) -> Arrival:
    """The reads of a call's first webhook: the client on the number, whether the desk
    covers the call now, who to ring in what order. Nothing written: on SQLite the view
    reads before it takes the write lock (docs/decisions.md, "A new call reads before it
    takes SQLite's write lock")."""
    call_sid = _text(call_sid)
    call: dict[str, Any] = {
        "call_sid": call_sid,
        "to_number": _text(to)[:32],
        "caller": _text(caller or "anonymous")[:32],
        "forwarded_from": _text(forwarded_from or "")[:32] or None,
        "started_at": at,
        "plan": [],
        # Placed by the Simulator: never billed, paid nor reported (`Call.simulated`).
        "simulated": simulated,
    }
    rows = client_on_number(session, call_sid, to, at)
    # No row: no client has the number, but the CallSid may be known all the same.
    maybe_known = not rows or rows[0].known is not None
    if not rows:
        return Arrival(call, maybe_known, None)
    client = cast(CallClient, rows[0])  # one client: a desk number is unique
    windows = {tuple(getattr(r, c) for c in _WINDOW) for r in rows if r.weekdays is not None}
    closures = {(r.starts_on, r.ends_on) for r in rows if r.starts_on is not None}
    # A client suspended for not paying (desk/billing) gets the after-hours path.
    covered = not rows[0].coverage_suspended and (
        CoverageRules.of(client, windows, closures).at(at).covered
    )
    if not covered:
        return Arrival(call, maybe_known, client)
    rota = Rota(session, client, at, at + timedelta(microseconds=1), free_at=at)
    return Arrival(call, maybe_known, client, covered, rota.plan(at), rota.free)


def start_call(session: Session, arrival: Arrival) -> Decision:
    """The first webhook's writes: its Call row (unique by CallSid) with the plan, the
    first step rung; a known CallSid is answered as before. A twin delivery that wrote
    the Call meanwhile fails on the unique key (IntegrityError): the view then reads
    again and gets the replay."""
    call, client = arrival.call, arrival.client
    known = call_by_sid(session, call["call_sid"]) if arrival.maybe_known else None
    if known is not None:
        if known.to_number != call["to_number"]:
            # A CallSid is Twilio's, unique per call: the same one on another number is
            # forged or broken. Never answer with the other client's call (its name, its
            # secretaries' phones).
            log.warning(
                "call %r arrived on %r, known on another number: refused",
                call["call_sid"],
                call["to_number"],
            )
            return Decision(NOT_IN_SERVICE)
        return replay(session, known)
    if client is None:
        log.warning(
            "call %r to %r: no client has this desk number", call["call_sid"], call["to_number"]
        )
        _write(session, call, None, CallOutcome.NOT_IN_SERVICE)
        return Decision(NOT_IN_SERVICE)
    if not arrival.covered:
        _write(session, call, client.id, CallOutcome.AFTER_HOURS)
        return after_hours(client)
    plan = [[r.secretary_id for r in step] for step in arrival.steps]
    call_id = _write(session, call | {"plan": plan}, client.id, CallOutcome.IN_PROGRESS)
    phones = {r.secretary_id: r.phone for step in arrival.steps for r in step}
    at = call["started_at"]
    return ring(session, call_id, plan, client, 0, at, True, phones, arrival.free)


def _write(session: Session, call: dict[str, Any], client_id: int | None, outcome: str) -> int:
    """Insert the Call now: its CallSid's unique key is checked before anyone is rung."""
    values = call | {"client_id": client_id, "outcome": outcome}
    return int(connection_of(session).execute(_CALL, values).scalar_one())


def client_on_number(session: Session, call_sid: str, to: str, at: datetime) -> list[Any]:
    """`_LOOKUP`'s rows for a call to `to` (as Twilio sends it, E.164, else normalised)
    at `at`: none when no active client has the number."""
    day = at.astimezone(UTC).date()
    params = {"sid": call_sid, "first": day - timedelta(days=2), "last": day + timedelta(days=2)}
    conn = connection_of(session)
    rows = list(conn.execute(_LOOKUP, params | {"number": to}).all())
    with contextlib.suppress(InvalidPhoneNumber):
        if not rows and normalise(to) != to:
            rows = list(conn.execute(_LOOKUP, params | {"number": normalise(to)}).all())
    return rows


def _text(value: str) -> str:
    """`value` without NUL characters, which PostgreSQL refuses in text (and no number
    holds): the call is recorded, not lost to a database error."""
    if "\x00" not in value:
        return value
    log.warning("NUL characters removed from a call's field: %r", value)
    return value.replace("\x00", "")

"""Who is free on the desk: a secretary's presence, derived from her call legs.

Ringing her claims her by a compare-and-set (`claim`): `UPDATE presence SET state =
'ringing' WHERE secretary_id = … AND state = 'available'` (or wrapping up past its end),
so two callers never ring one secretary, on SQLite and PostgreSQL alike. Each leg event
(screen result, her leg's status, the dial result, the caller's status) records a fact
on her attempt (accepted, ended) and `settle` recomputes her state from those facts, so
repeated and out-of-order callbacks end in the same state. A presence follows one
attempt (`attempt_id`): a late event of an older leg never moves her off a newer call.
No Flask here; the view, job or command owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    Integer,
    bindparam,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from desk.base import events
from desk.base.db import connection_of
from desk.base.errors import Conflict
from desk.models import CallAttempt, Presence
from desk.models.presence import free_condition
from desk.models.states import AttemptOutcome, PresenceState

# Seconds after a call before she is offered another (config `presence.wrap_up_seconds`).
WRAP_UP_SECONDS = 20
# States a leg keeps her in; `settle` moves her only out of these (never off a break).
_ON_A_LEG = (PresenceState.RINGING, PresenceState.ON_CALL, PresenceState.WRAPPING_UP)
_SETTLED_FROM = (*_ON_A_LEG, PresenceState.AVAILABLE)


# Free to be rung at `at`: available, or wrapping up past its end.
_FREE = free_condition(bindparam("at"))
_ENSURE = {
    "postgresql": pg_insert(Presence).on_conflict_do_nothing(),
    "sqlite": sqlite_insert(Presence).on_conflict_do_nothing(),
}
# Among a list of ids, in a statement whose SQL never changes (an expanding IN is
# rendered again at every call): an array on PostgreSQL, a JSON list on SQLite. The
# array is unnested rather than compared with `= ANY`: PostgreSQL then keeps one generic
# plan for the prepared statement instead of planning it again at every call.
_AMONG = {
    "postgresql": Presence.secretary_id.in_(
        select(func.unnest(bindparam("ids", type_=ARRAY(Integer))))
    ),
    "sqlite": Presence.secretary_id.in_(
        select(literal_column("value")).select_from(func.json_each(bindparam("ids", type_=JSON)))
    ),
}
_STATES = {d: select(Presence.secretary_id, _FREE).where(among) for d, among in _AMONG.items()}
# SKIP LOCKED (PostgreSQL; nothing on SQLite, whose write lock serialises): a row another
# transaction is changing is not free now. Never waiting on a row here means two webhooks
# claiming in different orders cannot deadlock.
_CLAIM = {
    dialect: update(Presence)
    .where(
        Presence.secretary_id.in_(
            select(Presence.secretary_id).where(among, _FREE).with_for_update(skip_locked=True)
        ),
        _FREE,
    )
    .values(state=PresenceState.RINGING, since=bindparam("at"), until=None, attempt_id=None)
    .values(call_id=bindparam("b_call"))
    .returning(Presence.secretary_id)
    for dialect, among in _AMONG.items()
}
_BIND = (
    update(Presence)
    .where(
        Presence.secretary_id == bindparam("b_secretary"),
        Presence.call_id == bindparam("b_call"),
        Presence.state == PresenceState.RINGING,
        Presence.attempt_id.is_(None),
    )
    .values(attempt_id=bindparam("b_attempt"))
)


def ensure(session: Session, secretary_ids: Iterable[int], at: datetime) -> None:
    """Make the presence rows missing for these secretaries (available), racing safely."""
    rows = [
        {"secretary_id": i, "state": PresenceState.AVAILABLE.value, "since": at}
        for i in sorted(set(secretary_ids))
    ]
    if rows:
        conn = connection_of(session)
        conn.execute(_ENSURE[conn.dialect.name], rows)


def free_now(session: Session, secretary_ids: Iterable[int], at: datetime) -> set[int]:
    """Those of `secretary_ids` free to be rung at `at`, in one read (a row missing is
    made, available). Only `claim` takes them."""
    ids = sorted(set(secretary_ids))
    conn = connection_of(session)
    found = dict(conn.execute(_STATES[conn.dialect.name], {"ids": ids, "at": at}).all())
    return free_of(session, {i: found.get(i) for i in ids}, at)


def free_of(session: Session, read: dict[int, bool | None], at: datetime) -> set[int]:
    """The free ones of what was read (id -> free; None: no row, made now, available)."""
    ensure(session, [i for i, free in read.items() if free is None], at)
    return {i for i, free in read.items() if free is not False}


def claim(session: Session, secretary_ids: Iterable[int], call_id: int, at: datetime) -> set[int]:
    """Claim for `call_id` those of them who are free, in one compare-and-set: the ids
    claimed. Their rows must exist (`ensure`, `free_now`). Bind each leg afterwards with
    `bind` once her attempt has an id."""
    params = {"ids": sorted(set(secretary_ids)), "b_call": call_id, "at": at}
    conn = connection_of(session)
    claimed = set(conn.execute(_CLAIM[conn.dialect.name], params).scalars())
    for secretary_id in sorted(claimed):
        _published(session, secretary_id, PresenceState.RINGING, at, call_id=call_id)
    return claimed


def _published(
    session: Session,
    secretary_id: int,
    state: PresenceState,
    since: datetime | None,
    until: datetime | None = None,
    call_id: int | None = None,
) -> None:
    """Tell the live pages (after the commit): her state changed."""
    events.publish(
        session,
        "presence",
        secretary_id=secretary_id,
        state=state.value,
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
        call_id=call_id,
    )


def bind(session: Session, secretary_id: int, call_id: int, attempt_id: int) -> None:
    """The leg behind her claim (her attempt): later events of this attempt move her."""
    params = {"b_secretary": secretary_id, "b_call": call_id, "b_attempt": attempt_id}
    connection_of(session).execute(_BIND, params)


def leg_ended(attempt: CallAttempt, at: datetime) -> None:
    """Record her leg's end: the earliest reported wins (order does not matter)."""
    if attempt.ended_at is None or at < attempt.ended_at:
        attempt.ended_at = at


def settle(session: Session, attempt: CallAttempt, wrap_up_seconds: int = WRAP_UP_SECONDS) -> None:
    """Her state from her attempt's facts, if her presence still follows this attempt.

    Not ended: ringing, or on a call once accepted. Ended: wrapping up until its end plus
    `wrap_up_seconds` if she had accepted, else available (from the end)."""
    presence = session.get(Presence, attempt.secretary_id, populate_existing=True)
    if presence is None or presence.attempt_id != attempt.id:
        return
    if presence.state not in _SETTLED_FROM:
        return  # on a break: only she (or an admin) ends it
    accepted = attempt.outcome == AttemptOutcome.ACCEPTED or attempt.accepted_at is not None
    if attempt.ended_at is None:
        state = PresenceState.ON_CALL if accepted else PresenceState.RINGING
        since = attempt.accepted_at if accepted and attempt.accepted_at else attempt.started_at
        until = None
    elif accepted:
        state = PresenceState.WRAPPING_UP
        since = attempt.ended_at
        until = attempt.ended_at + timedelta(seconds=wrap_up_seconds)
    else:
        state, since, until = PresenceState.AVAILABLE, attempt.ended_at, None
    if (presence.state, presence.since, presence.until) == (state, since, until):
        return
    # Compare-and-set again: a claim for another call committed since the read wins.
    result = session.execute(
        update(Presence)
        .where(
            Presence.secretary_id == attempt.secretary_id,
            Presence.attempt_id == attempt.id,
            Presence.state.in_(_SETTLED_FROM),
        )
        .values(state=state, since=since, until=until)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) == 1:
        _published(session, attempt.secretary_id, state, since, until, attempt.call_id)


def settle_all(
    session: Session, attempts: Iterable[CallAttempt], wrap_up_seconds: int = WRAP_UP_SECONDS
) -> None:
    # In id order, so two transactions settling the same legs take their rows in one order.
    for attempt in sorted(attempts, key=lambda a: a.id):
        settle(session, attempt, wrap_up_seconds)


def effective_state(presence: Presence | None, at: datetime) -> PresenceState:
    """What she is at `at`: a finished wrap-up is available; no row yet is available."""
    if presence is None:
        return PresenceState.AVAILABLE
    state = PresenceState(presence.state)
    if state == PresenceState.WRAPPING_UP and presence.until is not None and presence.until <= at:
        return PresenceState.AVAILABLE
    return state


def take_break(session: Session, secretary_id: int, at: datetime) -> None:
    """She steps away: never rung until she comes back. Refused while rung or on a call
    (the caller comes first; she takes it once the call is over)."""
    ensure(session, [secretary_id], at)
    result = session.execute(
        update(Presence)
        .where(
            Presence.secretary_id == secretary_id,
            Presence.state.in_([PresenceState.AVAILABLE, PresenceState.WRAPPING_UP]),
        )
        .values(state=PresenceState.ON_BREAK, since=at, until=None, call_id=None, attempt_id=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) == 1:
        _published(session, secretary_id, PresenceState.ON_BREAK, at)
    else:
        current = session.scalar(
            select(Presence.state).where(Presence.secretary_id == secretary_id)
        )
        if current != PresenceState.ON_BREAK:
            raise Conflict("presence_busy", "state")


def end_break(session: Session, secretary_id: int, at: datetime) -> bool:
    """Back from a break: available. False when she was not on a break."""
    ensure(session, [secretary_id], at)
    result = session.execute(
        update(Presence)
        .where(Presence.secretary_id == secretary_id, Presence.state == PresenceState.ON_BREAK)
        .values(state=PresenceState.AVAILABLE, since=at, until=None)
        .execution_options(synchronize_session=False)
    )
    ended = bool(getattr(result, "rowcount", 0) == 1)
    if ended:
        _published(session, secretary_id, PresenceState.AVAILABLE, at)
    return ended

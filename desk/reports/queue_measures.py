"""The queue's activity figures (docs/activity.md, "The queue"): callers held, time waited
in the queue, hang-ups while waiting, callbacks asked and done, time to a human.

Read from what the queue writes: `WaitingCall` (`since`, the state she left in, `ended_at`
when she left: the offer she took, her key, the maximum wait or her hang-up) and
`Callback` (`requested_at`, `done_at`). A client's figures are counted from its facts
(`facts.CallFact.queue_*`, `human_seconds`); the whole desk's by set-based queries driven
by the queue's own rows (`ix_waiting_calls_state_since`), so the desk-wide page costs what
the queue held, not the million calls.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from desk.models import Call, CallAttempt, Callback, WaitingCall
from desk.models.states import WaitingState
from desk.reports.facts import CallFact, Outcome, Period, Scope, queue_fields, to_human
from desk.reports.rollup import counted

LEFT = (
    WaitingState.TAKEN,
    WaitingState.MESSAGE,
    WaitingState.CALLBACK,
    WaitingState.ABANDONED,
)
# A call belongs to the period it started in; it enters the queue within its first
# minutes (greeting, a ring or two): the queue's rows are looked up this much further.
ENTRY_SLACK = timedelta(hours=1)


@dataclass(frozen=True)
class Held:
    """The callers who were held and left the queue: their waits, and the hang-ups."""

    waits: list[float]
    abandoned: int


def held_of(facts: Iterable[CallFact]) -> Held:
    waits, abandoned = [], 0
    for f in facts:
        if f.queue_state is None or f.queue_seconds is None:
            continue  # never held, or still held
        waits.append(f.queue_seconds)
        abandoned += f.queue_state == WaitingState.ABANDONED
    return Held(waits, abandoned)


def callbacks(session: Session, scope: Scope, period: Period) -> tuple[int, int]:
    """Callbacks asked in the period, and how many of them are done. None for one
    secretary's scope: a callback is done by a login, not a secretary (as bookings)."""
    if scope.secretary_id is not None:
        return 0, 0
    # The Simulator's left out through each callback's own call (its primary key), not a
    # scan of every simulated call: the cost follows the callbacks of the period.
    query = (
        select(func.count(), func.count(Callback.done_at))
        .select_from(Callback)
        .outerjoin(Call, Call.id == Callback.call_id)
        .where(
            Callback.requested_at >= period.start,
            Callback.requested_at < period.end,
            or_(Call.id.is_(None), Call.simulated.is_(False)),
        )
    )
    if scope.client_ids is not None:
        query = query.where(Callback.client_id.in_(scope.client_ids))
    asked, done = session.execute(query).one()
    return int(asked or 0), int(done or 0)


def _desk_rows(period: Period, *columns: Any) -> Any:
    """The held callers of the whole desk whose call started in the period and who left
    the queue, driven by the queue's index (state, since)."""
    return (
        select(*columns)
        .select_from(WaitingCall)
        .join(Call, Call.id == WaitingCall.call_id)
        .where(
            WaitingCall.state.in_(LEFT),
            WaitingCall.since >= period.start,
            WaitingCall.since < period.end + ENTRY_SLACK,
            WaitingCall.ended_at.is_not(None),
            Call.started_at >= period.start,
            Call.started_at < period.end,
            *counted(),
        )
    )


def desk_held(session: Session, period: Period) -> Held:
    waits, abandoned = [], 0
    query = _desk_rows(period, WaitingCall.state, WaitingCall.since, WaitingCall.ended_at)
    for state, since, ended in session.execute(query):
        _, held = queue_fields(state, since, ended)
        if held is not None:
            waits.append(held)
            abandoned += state == WaitingState.ABANDONED
    return Held(waits, abandoned)


def desk_to_human(session: Session, period: Period, waits: Counter[float], wait_ms: Any) -> None:
    """Turn the desk's answer times (`waits`: seconds -> calls, first ring to answer, as
    `desk_measures.answered_groups` counts them) into times to a human: each answered
    caller who was held has her answer time replaced by the time from her first ring or
    her entry into the queue, whichever came first. `wait_ms(answered_at, ring)` is the
    very SQL `answered_groups` rounds with, so her old value is found exactly."""
    ring = (
        select(func.min(CallAttempt.started_at))
        .where(CallAttempt.call_id == Call.id)
        .correlate(Call)
        .scalar_subquery()
    )
    query = _desk_rows(
        period,
        wait_ms(Call.answered_at, func.coalesce(ring, Call.started_at)),
        Call.answered_at,
        ring,
        WaitingCall.since,
    ).where(
        and_(WaitingCall.state == WaitingState.TAKEN, Call.outcome == Outcome.ANSWERED),
        Call.answered_at.is_not(None),
    )
    for old_ms, answered_at, first, since in session.execute(query):
        old = max(float(old_ms) / 1000, 0.0)
        human = to_human(answered_at, first, since)
        if human is None or waits[old] <= 0:
            continue
        waits[old] -= 1
        waits[human] += 1


def spread_values(spread: Counter[float]) -> Sequence[float]:
    return [w for w, n in sorted(spread.items()) for _ in range(n)]

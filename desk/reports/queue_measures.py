"""The queue's activity figures (docs/activity.md, "The queue"): callers held, time waited
in the queue, hang-ups while waiting, callbacks asked and done, time to a human.

Read from what the queue writes: `WaitingCall` (`since`, the state she left in, `ended_at`
when she left: the offer she took, her key, the maximum wait or her hang-up) and
`Callback` (`requested_at`, `done_at`). A client's figures are counted from its facts
(`facts.CallFact.queue_*`, `human_seconds`); the whole desk's by set-based queries on
the queue's own rows alone (`ix_waiting_calls_state_since`; the Simulator's left out by
`ix_calls_simulated`), never joining the calls, so the desk-wide page costs what the
queue held, not the million calls. Desk-wide, a held caller belongs to the period she
entered the queue in (her call started seconds before: only a call held across midnight
can differ from its client's page, which goes by the call's start).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.models import Callback, WaitingCall
from desk.models.calls import not_simulated
from desk.models.states import WaitingState
from desk.reports.facts import CallFact, Period, Scope
from desk.reports.rollup import earliest, millis_between

LEFT = (  # how a caller leaves the queue
    WaitingState.TAKEN,
    WaitingState.MESSAGE,
    WaitingState.CALLBACK,
    WaitingState.ABANDONED,
)


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
    query = select(func.count(), func.count(Callback.done_at)).where(
        Callback.requested_at >= period.start,
        Callback.requested_at < period.end,
        not_simulated(Callback.call_id),  # ix_calls_simulated: a look-up
    )
    if scope.client_ids is not None:
        query = query.where(Callback.client_id.in_(scope.client_ids))
    asked, done = session.execute(query).one()
    return int(asked or 0), int(done or 0)


def _left(period: Period, *states: WaitingState) -> tuple[Any, ...]:
    """The whole desk's held callers who entered the queue in the period and left it in
    one of `states`, by the queue's index (state, since), never joining the calls."""
    return (
        WaitingCall.state.in_(states),
        WaitingCall.since >= period.start,
        WaitingCall.since < period.end,
        WaitingCall.ended_at.is_not(None),
        not_simulated(WaitingCall.call_id),
    )


def desk_held(session: Session, period: Period) -> Held:
    """`held_of` for the whole desk: the waits to the millisecond, grouped."""
    held = millis_between(session, WaitingCall.ended_at, WaitingCall.since)
    query = (
        select(WaitingCall.state, held, func.count())
        .where(*_left(period, *LEFT))
        .group_by(WaitingCall.state, held)
    )
    waits: list[float] = []
    abandoned = 0
    for state, ms, n in session.execute(query):
        waits += [max(float(ms) / 1000, 0.0)] * int(n)
        abandoned += int(n) if state == WaitingState.ABANDONED else 0
    return Held(waits, abandoned)


def desk_to_human(session: Session, period: Period, waits: Counter[float]) -> None:
    """Turn the desk's answer times (`waits`: seconds -> calls, first ring to answer, as
    `desk_measures.answered_groups` counts them) into times to a human: each taken caller
    has her answer time replaced by the time from her first ring or her entry into the
    queue, whichever came first, both to the millisecond and grouped. The queue kept her
    answer and first ring when she was taken (`queue.taken`), and the same SQL rounds her
    old value as `answered_groups`: it is found exactly."""
    answered = WaitingCall.answered_at
    old = millis_between(session, answered, WaitingCall.first_ring_at)
    start = earliest(session, WaitingCall.first_ring_at, WaitingCall.since)
    human = millis_between(session, answered, start)
    query = (
        select(old, human, func.count())
        .where(*_left(period, WaitingState.TAKEN))
        .where(answered.is_not(None), WaitingCall.first_ring_at.is_not(None))
        .group_by(old, human)
    )
    for old_ms, human_ms, n in session.execute(query):
        before, after = max(float(old_ms) / 1000, 0.0), max(float(human_ms) / 1000, 0.0)
        moved = min(int(n), waits[before])  # none from another period's calls
        waits[before] -= moved
        waits[after] += moved


def spread_values(spread: Counter[float]) -> Sequence[float]:
    return [w for w, n in sorted(spread.items()) for _ in range(n)]

"""The stored calls reduced to the facts the measures count (see docs/activity.md).

One `CallFact` per call of a known client: when it started, how it ended, who took it
and how (rank 1, the pair, a partner), how long the caller waited and how long she
talked. Loaded with two plain queries (the calls, then the attempts that matter), so the
web desk, the API, the command line and the monthly report all count the same rows.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from desk.models import Call, CallAttempt, Secretary, WaitingCall
from desk.models.states import WaitingState


class Outcome(enum.StrEnum):
    ANSWERED = "answered"
    VOICEMAIL = "voicemail"
    MISSED = "missed"
    AFTER_HOURS = "after-hours"
    IN_PROGRESS = "in-progress"


class Taker(enum.StrEnum):
    """Who took an answered call, by the plan decided when it came in."""

    FIRST = "first"  # the first secretary rung (rank 1 of the rota)
    PAIR = "pair"  # another rota secretary: the pair's backup, rung with her or after
    PARTNER = "partner"  # a secretary flagged partner (network overflow)


@dataclass(frozen=True)
class Scope:
    """Whose calls: some clients (None = every client) and optionally one secretary's."""

    client_ids: tuple[int, ...] | None = None
    secretary_id: int | None = None


@dataclass(frozen=True)
class Period:
    """Local days `first`..`last` (inclusive) in `tz`."""

    first: date
    last: date
    tz: ZoneInfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), self.tz)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), self.tz)

    def previous_month(self) -> Period:
        """The calendar month before the one `first` falls in."""
        last = self.first.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last, self.tz)


@dataclass(frozen=True)
class CallFact:
    call_id: int
    client_id: int
    started_at: datetime  # UTC
    outcome: Outcome
    taker_id: int | None = None
    taker: Taker | None = None
    wait_seconds: float | None = None  # first ring to "1" pressed
    talk_seconds: float | None = None  # the accepted leg's duration
    gave_up_seconds: float | None = None  # abandoned: from the call's start to its end
    # Answered: from the first ring or the queue, whichever came first, to "1" pressed.
    human_seconds: float | None = None
    queue_state: WaitingState | None = None  # how she left the queue, if she was held
    queue_seconds: float | None = None  # time held in the queue, once she left it


def queue_fields(
    state: str | None, since: datetime | None, ended: datetime | None
) -> tuple[WaitingState | None, float | None]:
    """How a call left the queue and how long it was held there (None: never held, or
    still held). A taken caller left when the secretary who took her was offered her."""
    if state is None or since is None:
        return None, None
    held = max((ended - since).total_seconds(), 0.0) if ended is not None else None
    return WaitingState(state), held


def gave_up(outcome: Outcome, queue_state: WaitingState | None) -> bool:
    """A caller who hung up before anyone answered: a missed call, unless she left the
    queue by a key or at the maximum wait (a message or a callback: she did not hang up)."""
    return outcome == Outcome.MISSED and queue_state not in (
        WaitingState.MESSAGE,
        WaitingState.CALLBACK,
    )


def to_human(
    answered_at: datetime | None, ring: datetime | None, since: datetime | None
) -> float | None:
    """An answered call's time to a human: from its first ring or its entry into the queue,
    whichever came first, to the answer."""
    starts = [at for at in (ring, since) if at is not None]
    if answered_at is None or not starts:
        return None
    return max((answered_at - min(starts)).total_seconds(), 0.0)


_OUTCOMES = {o.value: o for o in Outcome}


def _outcome(value: str) -> Outcome:
    return _OUTCOMES.get(value, Outcome.IN_PROGRESS)


def counted() -> tuple[Any, ...]:
    """The calls reports count (docs/activity.md: calls received): a client's, not
    refused as out of service, not the Simulator's (nobody's activity)."""
    return (
        Call.client_id.is_not(None),
        Call.outcome != "not-in-service",
        Call.simulated.is_(False),
    )


def _calls(scope: Scope, period: Period, *columns: Any) -> Select[Any]:
    """The calls of the scope started inside the period (calls to no client and the
    Simulator's left out: `counted`)."""
    query = select(*columns).where(
        *counted(), Call.started_at >= period.start, Call.started_at < period.end
    )
    if scope.client_ids is not None:
        query = query.where(Call.client_id.in_(scope.client_ids))
    if scope.secretary_id is not None:
        rung = select(CallAttempt.call_id).where(CallAttempt.secretary_id == scope.secretary_id)
        query = query.where(Call.id.in_(rung))
    return query


class Offered(NamedTuple):
    """A call as a forecast counts it (`load_offered`)."""

    client_id: int
    started_at: datetime  # UTC
    outcome: Outcome
    talk_seconds: float | None = None  # the accepted leg's duration, as in `CallFact`
    gave_up_seconds: float | None = None  # as in `CallFact`: what a patience reads
    human_seconds: float | None = None
    queue_state: WaitingState | None = None
    queue_seconds: float | None = None


def load_offered(
    session: Session, clients: Select[Any], period: Period, *where: Any
) -> list[Offered]:
    """The calls `load_facts` finds for the clients whose ids `clients` selects (a
    subquery, not a thousand ids) and that meet `where`: `offered_calls`."""
    return offered_calls(
        session,
        Call.client_id.in_(clients),
        Call.started_at >= period.start,
        Call.started_at < period.end,
        *where,
    )


def offered_calls(session: Session, *where: Any) -> list[Offered]:
    """The counted calls that meet `where`, in order, with what a forecast's calls,
    handling time and patience read (start, outcome, talk time, time to a human, hang-up,
    the queue): one statement, a row per call, its talk time the accepted leg's (the last
    acceptance by the secretary who handled it, as `load_facts` takes it)."""
    handler = or_(Call.handled_by_id.is_(None), CallAttempt.secretary_id == Call.handled_by_id)
    talk = (
        select(CallAttempt.duration_seconds)
        .where(CallAttempt.call_id == Call.id, CallAttempt.accepted_at.is_not(None), handler)
        .order_by(CallAttempt.accepted_at.desc())
        .limit(1)
        .correlate(Call)
        .scalar_subquery()
    )
    ring = (
        select(func.min(CallAttempt.started_at))
        .where(CallAttempt.call_id == Call.id)
        .correlate(Call)
        .scalar_subquery()
    )
    is_answered = Call.outcome == Outcome.ANSWERED.value
    query = select(
        Call.client_id,
        Call.started_at,
        Call.outcome,
        case((is_answered, talk), else_=None),
        case((is_answered, ring), else_=None),
        Call.answered_at,
        Call.ended_at,
        WaitingCall.state,
        WaitingCall.since,
        WaitingCall.ended_at,
    ).outerjoin(WaitingCall, WaitingCall.call_id == Call.id)
    query = query.where(*counted(), *where).order_by(Call.started_at, Call.id)
    found = []
    for client_id, at, raw, talk, first, answered_at, ended, state, since, left in session.execute(
        query
    ):
        outcome = _outcome(raw)
        queue_state, held = queue_fields(state, since, left)
        quit = ended is not None and gave_up(outcome, queue_state)
        found.append(
            Offered(
                client_id,
                at,
                outcome,
                float(talk) if talk is not None else None,
                max((ended - at).total_seconds(), 0.0) if quit else None,
                to_human(answered_at, first, since) if outcome == Outcome.ANSWERED else None,
                queue_state,
                held,
            )
        )
    return found


def load_facts(session: Session, scope: Scope, period: Period) -> list[CallFact]:
    """Every call of the scope started inside the period (calls to no client left out)."""
    query = _calls(
        scope,
        period,
        Call.id,
        Call.client_id,
        Call.started_at,
        Call.outcome,
        Call.answered_at,
        Call.plan,
        Call.handled_by_id,
        Call.ended_at,
        WaitingCall.state.label("queue_state"),
        WaitingCall.since,
        WaitingCall.ended_at.label("left_queue_at"),
    ).outerjoin(WaitingCall, WaitingCall.call_id == Call.id)
    calls = session.execute(query.order_by(Call.started_at, Call.id)).all()
    answered = {c.id: c.handled_by_id for c in calls if c.outcome == Outcome.ANSWERED}
    answered_ids = query.where(Call.outcome == Outcome.ANSWERED).with_only_columns(Call.id)
    first_ring, accepted = _attempts(session, answered_ids, answered)
    partners = set(session.scalars(select(Secretary.id).where(Secretary.is_partner.is_(True))))
    facts = []
    for c in calls:
        queue_state, held = queue_fields(c.queue_state, c.since, c.left_queue_at)
        fact = CallFact(
            c.id,
            c.client_id,
            c.started_at,
            _outcome(c.outcome),
            queue_state=queue_state,
            queue_seconds=held,
        )
        if c.ended_at is not None and gave_up(fact.outcome, queue_state):
            quit = max((c.ended_at - c.started_at).total_seconds(), 0.0)
            fact = replace(fact, gave_up_seconds=quit)
        taken = accepted.get(c.id)
        if fact.outcome == Outcome.ANSWERED and taken is not None:
            secretary_id, position, talk = taken
            ring = first_ring.get(c.id, c.started_at)
            wait = (c.answered_at - ring).total_seconds() if c.answered_at else None
            fact = replace(
                fact,
                taker_id=secretary_id,
                taker=_taker(secretary_id, position, c.plan, partners),
                wait_seconds=max(wait, 0.0) if wait is not None else None,
                talk_seconds=talk,
                human_seconds=to_human(c.answered_at, first_ring.get(c.id), c.since),
            )
        facts.append(fact)
    return facts


def _taker(secretary_id: int, position: int, plan: Sequence[object], partners: set[int]) -> Taker:
    if secretary_id in partners:
        return Taker.PARTNER
    first_step = plan[0] if plan else []
    if position == 0 and isinstance(first_step, list) and first_step[:1] == [secretary_id]:
        return Taker.FIRST
    return Taker.PAIR


def _attempts(
    session: Session, answered_ids: Select[Any], answered: dict[int, int | None]
) -> tuple[dict[int, datetime], dict[int, tuple[int, int, float | None]]]:
    """First ring and the accepted attempt (secretary, step, talk) of each answered call:
    the last acceptance by the secretary who handled it (a bridge that failed is not it).
    Two queries, whatever the number of calls."""
    ids = answered_ids.scalar_subquery()
    first = {
        call_id: at
        for call_id, at in session.execute(
            select(CallAttempt.call_id, func.min(CallAttempt.started_at))
            .where(CallAttempt.call_id.in_(ids))
            .group_by(CallAttempt.call_id)
        )
    }
    return first, _accepted(session, ids, answered)


def _accepted(
    session: Session, ids: Any, answered: dict[int, int | None]
) -> dict[int, tuple[int, int, float | None]]:
    """The accepted attempt (secretary, step, talk) of each answered call: the last
    acceptance by the secretary who handled it (a bridge that failed is not it)."""
    taken: dict[int, tuple[int, int, float | None]] = {}
    accepted = session.execute(
        select(
            CallAttempt.call_id,
            CallAttempt.secretary_id,
            CallAttempt.position,
            CallAttempt.duration_seconds,
        )
        .where(CallAttempt.call_id.in_(ids), CallAttempt.accepted_at.is_not(None))
        .order_by(CallAttempt.accepted_at)
    )
    for call_id, secretary_id, position, talk in accepted:
        handler = answered.get(call_id)
        if handler is None or handler == secretary_id:
            taken[call_id] = (secretary_id, position, float(talk) if talk is not None else None)
    return taken

"""The activity measures, defined once (docs/activity.md) and used by every layer.

`activity()` is what the web desk, the API, `desk report activity` and the monthly
report show: it loads the facts of a scope and period and counts them here, so a
number means the same thing wherever it is read.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.models import Appointment, Call, CallAttempt, Message, Secretary
from desk.models.calls import not_simulated
from desk.reports.facts import CallFact, Outcome, Period, Scope, Taker, counted, load_facts
from desk.reports.queue_measures import callbacks, held_of
from desk.reports.rollup import as_hour, desk_hourly_counts, hour_of

# Answer-time distribution: upper bounds in seconds of each bucket (the last is open).
WAIT_BUCKETS = (5, 10, 15, 20, 30, 45, 60)
BUSIEST = 3  # how many busiest hours are named


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest rank: the smallest value with at least `p` % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class SecretaryLoad:
    secretary_id: int
    name: str
    partner: bool
    answered: int
    talk_seconds: float
    median_wait_seconds: float | None


@dataclass(frozen=True)
class Measures:
    offered: int
    answered: int
    answered_first: int
    answered_pair: int
    answered_partner: int
    answer_rate: float | None
    median_wait_seconds: float | None
    p90_wait_seconds: float | None
    abandoned: int
    voicemails: int
    after_hours: int
    messages_taken: int
    appointments_booked: int
    partner_share: float | None
    handling_seconds: float | None
    busiest_hours: list[int] = field(default_factory=list)
    # The queue (desk/reports/queue_measures.py): callers held who left it, their time
    # waited in it, those who hung up while waiting, callbacks asked and done, and the
    # answered callers' time to a human (first ring or queue, whichever came first).
    held: int = 0
    queue_wait_p50_seconds: float | None = None
    queue_wait_p90_seconds: float | None = None
    abandoned_waiting: int = 0
    callbacks_asked: int = 0
    callbacks_done: int = 0
    human_p50_seconds: float | None = None
    human_p90_seconds: float | None = None


@dataclass(frozen=True)
class Activity:
    first: str
    last: str
    timezone: str
    measures: Measures
    heatmap: list[list[int]]  # [weekday 0..6][local hour 0..23] calls received
    weekly: list[dict[str, Any]]  # {"week": "2027-W13", "offered": n, "answered": n}
    wait_distribution: list[dict[str, Any]]  # {"up_to": 5, "calls": n}, last up_to None
    secretaries: list[SecretaryLoad]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def count(
    facts: Iterable[CallFact],
    *,
    messages: int = 0,
    appointments: int = 0,
    tz: Any = UTC,
    callbacks: tuple[int, int] = (0, 0),
) -> Measures:
    """The measures of some calls (pure: the tests feed it hand-built facts too);
    `callbacks`: asked, done."""
    facts = list(facts)
    held = held_of(facts)
    humans = [f.human_seconds for f in facts if f.human_seconds is not None]
    offered = [f for f in facts if f.outcome != Outcome.AFTER_HOURS]
    answered = [f for f in offered if f.outcome == Outcome.ANSWERED]
    takers = Counter(f.taker for f in answered)
    waits = [f.wait_seconds for f in answered if f.wait_seconds is not None]
    talks = [f.talk_seconds for f in answered if f.talk_seconds is not None]
    hours = Counter(f.started_at.astimezone(tz).hour for f in offered)
    busiest = sorted(hours, key=lambda h: (-hours[h], h))[:BUSIEST]
    return Measures(
        offered=len(offered),
        answered=len(answered),
        answered_first=takers[Taker.FIRST],
        answered_pair=takers[Taker.PAIR],
        answered_partner=takers[Taker.PARTNER],
        answer_rate=_ratio(len(answered), len(offered)),
        median_wait_seconds=median(waits),
        p90_wait_seconds=percentile(waits, 90),
        abandoned=sum(f.outcome == Outcome.MISSED for f in offered),
        voicemails=sum(f.outcome == Outcome.VOICEMAIL for f in offered),
        after_hours=len(facts) - len(offered),
        messages_taken=messages,
        appointments_booked=appointments,
        partner_share=_ratio(takers[Taker.PARTNER], len(answered)),
        handling_seconds=statistics.fmean(talks) if talks else None,
        busiest_hours=busiest,
        held=len(held.waits),
        queue_wait_p50_seconds=median(held.waits),
        queue_wait_p90_seconds=percentile(held.waits, 90),
        abandoned_waiting=held.abandoned,
        callbacks_asked=callbacks[0],
        callbacks_done=callbacks[1],
        human_p50_seconds=median(humans),
        human_p90_seconds=percentile(humans, 90),
    )


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def heatmap(counts: Iterable[tuple[datetime, int]], tz: Any) -> list[list[int]]:
    """Calls per local weekday (Monday = 0) and local hour, from (instant, calls) pairs."""
    grid = [[0] * 24 for _ in range(7)]
    for at, n in counts:
        local = at.astimezone(tz)
        grid[local.weekday()][local.hour] += n
    return grid


def hourly_counts(session: Session, scope: Scope, period: Period) -> list[tuple[datetime, int]]:
    """Calls received per UTC hour, counted by the database (the heatmap of a big scope).

    The same calls as `load_facts`; local hours are worked out from each UTC hour, so
    this holds for time zones whose offset is whole hours (France's are). The whole
    desk reads the hourly roll-up (desk/reports/rollup.py).
    """
    if scope.client_ids is None and scope.secretary_id is None:
        return desk_hourly_counts(session, period)
    hour = hour_of(session)
    query = (
        select(hour, func.count())
        .where(Call.started_at >= period.start, Call.started_at < period.end, *counted())
        .group_by(hour)
    )
    if scope.client_ids is not None:
        query = query.where(Call.client_id.in_(scope.client_ids))
    if scope.secretary_id is not None:
        rung = select(CallAttempt.call_id).where(CallAttempt.secretary_id == scope.secretary_id)
        query = query.where(Call.id.in_(rung))
    return [(as_hour(h), int(n)) for h, n in session.execute(query)]


def heatmap_for(session: Session, scope: Scope, period: Period) -> list[list[int]]:
    return heatmap(hourly_counts(session, scope, period), period.tz)


def weekly(facts: Iterable[CallFact], period: Period) -> list[dict[str, Any]]:
    """Offered and answered calls per ISO week (local), every week of the period listed."""
    weeks: dict[str, list[int]] = {}
    day = period.first
    while day <= period.last:
        year, week, _ = day.isocalendar()
        weeks.setdefault(f"{year}-W{week:02d}", [0, 0])
        day += timedelta(days=1)
    for f in facts:
        if f.outcome == Outcome.AFTER_HOURS:
            continue
        year, week, _ = f.started_at.astimezone(period.tz).isocalendar()
        row = weeks.setdefault(f"{year}-W{week:02d}", [0, 0])
        row[0] += 1
        row[1] += f.outcome == Outcome.ANSWERED
    return [{"week": w, "offered": o, "answered": a} for w, (o, a) in weeks.items()]


def wait_distribution(facts: Iterable[CallFact]) -> list[dict[str, Any]]:
    bounds: list[int | None] = [*WAIT_BUCKETS, None]
    counts = [0] * len(bounds)
    for f in facts:
        if f.wait_seconds is None:
            continue
        index = next(
            (i for i, b in enumerate(WAIT_BUCKETS) if f.wait_seconds <= b), len(WAIT_BUCKETS)
        )
        counts[index] += 1
    return [{"up_to": b, "calls": n} for b, n in zip(bounds, counts, strict=True)]


def secretary_loads(session: Session, facts: Iterable[CallFact]) -> list[SecretaryLoad]:
    answered: dict[int, list[CallFact]] = defaultdict(list)
    for f in facts:
        if f.taker_id is not None:
            answered[f.taker_id].append(f)
    if not answered:
        return []
    people = session.execute(
        select(Secretary.id, Secretary.name, Secretary.is_partner).where(
            Secretary.id.in_(list(answered))
        )
    ).all()
    loads = []
    for sid, name, partner in people:
        mine = answered[sid]
        loads.append(
            SecretaryLoad(
                secretary_id=sid,
                name=name,
                partner=bool(partner),
                answered=len(mine),
                talk_seconds=sum(f.talk_seconds or 0 for f in mine),
                median_wait_seconds=median(
                    [f.wait_seconds for f in mine if f.wait_seconds is not None]
                ),
            )
        )
    return sorted(loads, key=lambda x: (-x.answered, x.name))


def _count_rows(session: Session, model: Any, column: Any, scope: Scope, period: Period) -> int:
    query = select(func.count()).select_from(model)
    query = query.where(column >= period.start, column < period.end)
    query = query.where(not_simulated(model.call_id))
    if scope.client_ids is not None:
        query = query.where(model.client_id.in_(scope.client_ids))
    return int(session.scalar(query) or 0)


def messages_taken(session: Session, scope: Scope, period: Period) -> int:
    query = select(func.count()).where(
        Message.created_at >= period.start,
        Message.created_at < period.end,
        Message.source == "secretary",
        not_simulated(Message.call_id),
    )
    if scope.client_ids is not None:
        query = query.where(Message.client_id.in_(scope.client_ids))
    if scope.secretary_id is not None:
        query = query.where(Message.taken_by_id == scope.secretary_id)
    return int(session.scalar(query) or 0)


def appointments_booked(session: Session, scope: Scope, period: Period) -> int:
    if scope.secretary_id is not None:
        return 0  # bookings record the login, not the secretary: only desk-wide or per client
    return _count_rows(session, Appointment, Appointment.created_at, scope, period)


def activity(session: Session, scope: Scope, period: Period) -> Activity:
    """Every measure and chart series of `scope` over `period`."""
    facts = load_facts(session, scope, period)
    measures = count(
        facts,
        messages=messages_taken(session, scope, period),
        appointments=appointments_booked(session, scope, period),
        tz=period.tz,
        callbacks=callbacks(session, scope, period),
    )
    return Activity(
        first=period.first.isoformat(),
        last=period.last.isoformat(),
        timezone=str(period.tz),
        measures=measures,
        heatmap=heatmap(((f.started_at, 1) for f in facts), period.tz),
        weekly=weekly(facts, period),
        wait_distribution=wait_distribution(facts),
        secretaries=secretary_loads(session, facts),
    )

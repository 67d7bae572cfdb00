"""The whole desk's activity counted by the database (GROUP BY), not call by call.

Same definitions as `measures.activity` (docs/activity.md) and the same numbers (tested
against it, across a DST change): one query counts the calls per UTC hour and outcome
(counts, heatmap, weekly trend, busiest hours), one groups the answered calls by who took
them, whether she was the plan's rank 1 and the time to answer (to the millisecond),
with their talk time (takers, waits, handling time, secretary load). Local hours are
worked out from UTC hours, which holds for whole-hour offsets (France's). The hours whose
calls have all ended are read from the roll-up (desk/reports/settled.py); the others, and
calls added since the roll-up last ran, are counted here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from desk.models import AnsweredHour, Call, CallAttempt, OutcomeHour, RollupMark, Secretary
from desk.reports.facts import Outcome, Period, Scope, Taker, _outcome, counted
from desk.reports.measures import (
    BUSIEST,
    WAIT_BUCKETS,
    Activity,
    Measures,
    SecretaryLoad,
    _ratio,
    appointments_booked,
    median,
    messages_taken,
    percentile,
)
from desk.reports.queue_measures import callbacks, desk_held, desk_to_human, spread_values
from desk.reports.rollup import SETTLED_MARK, as_hour, hour_of, millis_between


def _between(start: datetime, end: datetime, *extra: Any) -> Any:
    return (Call.started_at >= start, Call.started_at < end, *counted(), *extra)


def _wait_ms(session: Session, answered_at: Any, ring: Any) -> Any:
    return millis_between(session, answered_at, ring)


def answered_groups(
    session: Session, start: datetime, end: datetime, *extra: Any, by_hour: bool = False
) -> list[Group]:
    """(secretary, rank 1?, wait in ms, calls, talk sum, talks) of the answered calls
    started in [start, end) (and matching `extra`); `by_hour`: the UTC hour first."""
    answered = select(Call.id).where(
        *_between(start, end, *extra), Call.outcome == Outcome.ANSWERED
    )
    ids = answered.scalar_subquery()
    ring = (
        select(CallAttempt.call_id, func.min(CallAttempt.started_at).label("at"))
        .where(CallAttempt.call_id.in_(ids))
        .group_by(CallAttempt.call_id)
        .subquery()
    )
    latest = func.row_number().over(
        partition_by=CallAttempt.call_id,
        order_by=(CallAttempt.accepted_at.desc(), CallAttempt.id.desc()),
    )
    accepted = (
        select(
            CallAttempt.call_id,
            CallAttempt.secretary_id,
            CallAttempt.position,
            CallAttempt.duration_seconds.label("talk"),
            latest.label("rn"),
        )
        .join(Call, Call.id == CallAttempt.call_id)
        .where(
            CallAttempt.call_id.in_(ids),
            CallAttempt.accepted_at.is_not(None),
            or_(Call.handled_by_id.is_(None), Call.handled_by_id == CallAttempt.secretary_id),
        )
        .subquery()
    )
    first = case(
        (
            and_(
                accepted.c.position == 0, Call.plan[(0, 0)].as_integer() == accepted.c.secretary_id
            ),
            1,
        ),
        else_=0,
    )
    wait = case(
        (
            Call.answered_at.is_not(None),
            _wait_ms(session, Call.answered_at, func.coalesce(ring.c.at, Call.started_at)),
        ),
        else_=None,
    )
    keys = (hour_of(session),) if by_hour else ()
    query = (
        select(
            *keys,
            accepted.c.secretary_id,
            first,
            wait,
            func.count(),
            func.sum(accepted.c.talk),
            func.count(accepted.c.talk),
        )
        .select_from(Call)
        .join(accepted, and_(accepted.c.call_id == Call.id, accepted.c.rn == 1))
        .outerjoin(ring, ring.c.call_id == Call.id)
        .group_by(*keys, accepted.c.secretary_id, first, wait)
    )
    return [tuple(row) for row in session.execute(query)]


Group = tuple[Any, ...]


@dataclass
class _Hours:
    """The calls of some hours counted by local weekday and hour, outcome, ISO week."""

    heat: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    hours: Counter[int] = field(default_factory=Counter)
    weeks: dict[str, list[int]] = field(default_factory=dict)

    def add(self, other: _Hours) -> None:
        for mine, theirs in zip(self.heat, other.heat, strict=True):
            for h, n in enumerate(theirs):
                mine[h] += n
        self.outcomes.update(other.outcomes)
        self.hours.update(other.hours)
        for week, (offered, answered) in other.weeks.items():
            row = self.weeks.setdefault(week, [0, 0])
            row[0] += offered
            row[1] += answered


def outcome_rows(
    session: Session, start: datetime, end: datetime, *extra: Any
) -> list[tuple[Any, str, int]]:
    """(UTC hour, outcome, calls) of the calls started in [start, end) matching `extra`."""
    hour = hour_of(session)
    return [
        (h, outcome, int(n))
        for h, outcome, n in session.execute(
            select(hour, Call.outcome, func.count())
            .where(*_between(start, end, *extra))
            .group_by(hour, Call.outcome)
        )
    ]


def _settled(
    session: Session, start: datetime, end: datetime
) -> tuple[datetime, Any, list[tuple[Any, str, int]], list[Group]]:
    """What the roll-up holds of [start, end) (desk/reports/settled.py): where its settled
    hours end within the period, the condition the other calls meet, their rows."""
    mark = session.get(RollupMark, SETTLED_MARK)
    if mark is None or mark.settled_until is None:
        return start, true(), [], []
    cut = min(max(mark.settled_until, start), end)
    live = or_(Call.started_at >= cut, Call.id > mark.last_call_id)
    if cut <= start:
        return cut, live, [], []
    outcomes = [
        (h, outcome, int(n))
        for h, outcome, n in session.execute(
            select(OutcomeHour.hour, OutcomeHour.outcome, OutcomeHour.calls).where(
                OutcomeHour.hour >= start, OutcomeHour.hour < cut
            )
        )
    ]
    answered = AnsweredHour
    groups = [
        tuple(row)
        for row in session.execute(
            select(
                answered.secretary_id,
                answered.first,
                answered.wait_ms,
                func.sum(answered.calls),
                func.sum(answered.talk_sum),
                func.sum(answered.talks),
            )
            .where(answered.hour >= start, answered.hour < cut)
            .group_by(answered.secretary_id, answered.first, answered.wait_ms)
        )
    ]
    return cut, live, outcomes, groups


def _tally(by_hour: list[tuple[Any, str, int]], tz: ZoneInfo) -> _Hours:
    """Calls per UTC hour and outcome counted by local weekday and hour, outcome, week."""
    found = _Hours()
    for h, raw, n in by_hour:
        local = as_hour(h).astimezone(tz)
        outcome, n = _outcome(raw), int(n)
        found.heat[local.weekday()][local.hour] += n
        found.outcomes[outcome] += n
        if outcome == Outcome.AFTER_HOURS:
            continue
        found.hours[local.hour] += n
        year, week, _ = local.isocalendar()
        row = found.weeks.setdefault(f"{year}-W{week:02d}", [0, 0])
        row[0] += n
        row[1] += n if outcome == Outcome.ANSWERED else 0
    return found


def desk_activity(session: Session, period: Period) -> Activity:
    """Every measure and chart series of the whole desk over `period`, set-based."""
    tz = period.tz
    start, end = period.start, period.end
    counted_hours = _Hours()
    day = period.first
    while day <= period.last:
        year, week, _ = day.isocalendar()
        counted_hours.weeks.setdefault(f"{year}-W{week:02d}", [0, 0])
        day = day.fromordinal(day.toordinal() + 1)
    live, settled_outcomes, groups = _settled(session, start, end)[1:]
    counted_hours.add(_tally(settled_outcomes + outcome_rows(session, start, end, live), tz))
    groups += answered_groups(session, start, end, live)
    heat, outcomes, hours, weeks = (
        counted_hours.heat,
        counted_hours.outcomes,
        counted_hours.hours,
        counted_hours.weeks,
    )
    after_hours = outcomes[Outcome.AFTER_HOURS]
    offered = sum(outcomes.values()) - after_hours
    answered = outcomes[Outcome.ANSWERED]
    partners = set(session.scalars(select(Secretary.id).where(Secretary.is_partner.is_(True))))
    takers: Counter[Taker] = Counter()
    waits: list[float] = []
    spread: Counter[float] = Counter()
    talk_sum, talk_n = 0, 0
    mine: dict[int, list[Any]] = defaultdict(lambda: [0, 0.0, []])
    for sid, is_first, wait_ms, n, talks, with_talk in groups:
        taker = Taker.PARTNER if sid in partners else (Taker.FIRST if is_first else Taker.PAIR)
        takers[taker] += n
        talk_sum += int(talks or 0)
        talk_n += int(with_talk)
        load = mine[sid]
        load[0] += n
        load[1] += float(talks or 0)
        if wait_ms is not None:
            wait = max(float(wait_ms) / 1000, 0.0)
            waits += [wait] * n
            spread[wait] += n
            load[2] += [wait] * n
    busiest = sorted(hours, key=lambda x: (-hours[x], x))[:BUSIEST]
    held = desk_held(session, period)
    asked, done = callbacks(session, Scope(), period)
    humans = Counter(spread)
    desk_to_human(session, period, humans)
    human = spread_values(humans)
    measures = Measures(
        offered=offered,
        answered=answered,
        answered_first=takers[Taker.FIRST],
        answered_pair=takers[Taker.PAIR],
        answered_partner=takers[Taker.PARTNER],
        answer_rate=_ratio(answered, offered),
        median_wait_seconds=median(waits),
        p90_wait_seconds=percentile(waits, 90),
        abandoned=outcomes[Outcome.MISSED],
        voicemails=outcomes[Outcome.VOICEMAIL],
        after_hours=after_hours,
        messages_taken=messages_taken(session, Scope(), period),
        appointments_booked=appointments_booked(session, Scope(), period),
        partner_share=_ratio(takers[Taker.PARTNER], answered),
        handling_seconds=talk_sum / talk_n if talk_n else None,
        busiest_hours=busiest,
        held=len(held.waits),
        queue_wait_p50_seconds=median(held.waits),
        queue_wait_p90_seconds=percentile(held.waits, 90),
        abandoned_waiting=held.abandoned,
        callbacks_asked=asked,
        callbacks_done=done,
        human_p50_seconds=median(human),
        human_p90_seconds=percentile(human, 90),
    )
    return Activity(
        first=period.first.isoformat(),
        last=period.last.isoformat(),
        timezone=str(tz),
        measures=measures,
        heatmap=heat,
        weekly=[{"week": w, "offered": o, "answered": a} for w, (o, a) in weeks.items()],
        wait_distribution=_distribution(spread),
        secretaries=_loads(session, mine),
    )


def _distribution(spread: Counter[float]) -> list[dict[str, Any]]:
    bounds: list[int | None] = [*WAIT_BUCKETS, None]
    counts = [0] * len(bounds)
    for w, n in spread.items():
        counts[next((i for i, b in enumerate(WAIT_BUCKETS) if w <= b), len(WAIT_BUCKETS))] += n
    return [{"up_to": b, "calls": n} for b, n in zip(bounds, counts, strict=True)]


def _loads(session: Session, mine: dict[int, list[Any]]) -> list[SecretaryLoad]:
    if not mine:
        return []
    people = session.execute(
        select(Secretary.id, Secretary.name, Secretary.is_partner).where(
            Secretary.id.in_(list(mine))
        )
    ).all()
    loads = [
        SecretaryLoad(
            secretary_id=sid,
            name=name,
            partner=bool(partner),
            answered=mine[sid][0],
            talk_seconds=mine[sid][1],
            median_wait_seconds=median(mine[sid][2]),
        )
        for sid, name, partner in people
    ]
    return sorted(loads, key=lambda x: (-x.answered, x.name))

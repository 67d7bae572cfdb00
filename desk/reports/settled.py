"""The settled hours' roll-up behind the desk-wide activity (`desk_measures.desk_activity`).

An hour is settled a day after it ended: every call started in it has ended, and its
outcome, taker, time to answer and talk time are final. The `call-hours` job counts each
hour once it is settled into `outcome_hours` (calls per outcome) and `answered_hours`
(answered calls per taker, rank 1 or not, and time to answer), with the very queries the
page would run, and into `offered_half_hours` (what the staffing forecast adds up,
desk/reports/offered.py), and moves the mark (`rollup_marks`: the settled hours' end and
the last call id counted) by compare-and-set. A call added later to a settled hour (an import)
has a higher id: the page counts it live, and the next run recounts its hour. No Flask;
the job owns the transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from desk.models import AnsweredHour, Call, OfferedHalfHour, OutcomeHour, RollupMark
from desk.reports.desk_measures import answered_groups, outcome_rows
from desk.reports.facts import counted
from desk.reports.offered import offered_rows
from desk.reports.rollup import SETTLED, SETTLED_MARK, as_hour, hour_of

# The most settled hours one unit of work counts: a first run (a new desk with an imported
# history, or after migration 0025) must not hold SQLite's write lock for minutes; the
# job goes on unit after unit (`desk.jobs.reports.catch_up`).
STEP = timedelta(days=7)


def settle(session: Session, now: datetime) -> int:
    """Count the hours settled since the last run (a week of them at most, `STEP`), and
    those a new call fell in; how many hours were (re)counted."""
    mark = session.get(RollupMark, SETTLED_MARK)
    if mark is None:
        mark = RollupMark(name=SETTLED_MARK, last_call_id=0)
        session.add(mark)
        session.flush()
    seen, until_before = mark.last_call_id, mark.settled_until
    top = session.scalar(select(func.max(Call.id))) or 0
    until = _settled_by(now)
    first = session.scalar(select(func.min(Call.started_at)))
    since = until_before or (first.replace(minute=0, second=0, microsecond=0) if first else until)
    until = min(until, since + STEP)
    hour = hour_of(session)
    late: set[datetime] = set()
    if until_before is not None:
        late = {
            as_hour(h)
            for (h,) in session.execute(
                select(hour)
                .where(Call.id > seen, Call.id <= top, Call.started_at < until_before, *counted())
                .group_by(hour)
            )
        }
    spans = [(h, h + timedelta(hours=1)) for h in sorted(late)]
    if since < until:
        spans.append((since, until))
    for start, end in spans:
        _recount(session, start, end, top)
    moved = session.execute(
        update(RollupMark)
        .where(RollupMark.name == SETTLED_MARK, RollupMark.last_call_id == seen)
        .values(last_call_id=top, settled_until=max(until, since), refreshed_at=now)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise RuntimeError("settled hours counted by another process meanwhile")
    session.expire(mark)
    return len(late) + (int((until - since) / timedelta(hours=1)) if since < until else 0)


def _recount(session: Session, start: datetime, end: datetime, top: int) -> None:
    """Replace the roll-up's rows of the hours in [start, end) by a count of their calls
    up to id `top`."""
    session.execute(delete(OutcomeHour).where(OutcomeHour.hour >= start, OutcomeHour.hour < end))
    session.execute(delete(AnsweredHour).where(AnsweredHour.hour >= start, AnsweredHour.hour < end))
    session.execute(
        delete(OfferedHalfHour).where(OfferedHalfHour.hour >= start, OfferedHalfHour.hour < end)
    )
    upto = Call.id <= top
    outcomes = [
        {"hour": as_hour(h), "outcome": outcome, "calls": n}
        for h, outcome, n in outcome_rows(session, start, end, upto)
    ]
    if outcomes:
        session.execute(insert(OutcomeHour), outcomes)
    answered: list[dict[str, Any]] = [
        {
            "hour": as_hour(h),
            "secretary_id": sid,
            "first": int(first),
            "wait_ms": None if wait is None else int(wait),
            "calls": int(n),
            "talk_sum": int(talks or 0),
            "talks": int(with_talk),
        }
        for h, sid, first, wait, n, talks, with_talk in answered_groups(
            session, start, end, upto, by_hour=True
        )
    ]
    if answered:
        session.execute(insert(AnsweredHour), answered)
    offered = offered_rows(session, start, end, top)
    if offered:
        session.execute(insert(OfferedHalfHour), offered)


def behind(session: Session, now: datetime) -> bool:
    """Whether hours settled by `now` are still to count (`settle` counts a week at most)."""
    mark = session.get(RollupMark, SETTLED_MARK)
    return mark is None or mark.settled_until is None or mark.settled_until < _settled_by(now)


def _settled_by(now: datetime) -> datetime:
    """The end of the last hour settled at `now` (its calls have all ended)."""
    return (now - SETTLED).astimezone(UTC).replace(minute=0, second=0, microsecond=0)

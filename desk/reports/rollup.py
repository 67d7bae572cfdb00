"""The desk-wide hourly roll-up: calls received per UTC hour, for the desk's heatmap.

A heatmap of the whole desk over 12 weeks would count a quarter of a million calls each
time; `call_hours` keeps one row per hour instead. The `call-hours` job reads the calls
added since its mark (their ids), recounts every hour they fall in plus the last two
hours (a call committed out of id order is caught there), and moves the mark by
compare-and-set. Readers add the calls past the mark, counted live: never stale.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from desk.models import Call, CallHour, RollupMark
from desk.reports.facts import Period, counted

MARK = "call_hours"
RECOUNT = timedelta(hours=2)
# The settled hours' roll-up (desk/reports/settled.py): its mark's name, and how old an
# hour is when its calls have all ended (Twilio ends a call after 24 hours at most).
SETTLED_MARK = "settled_hours"
SETTLED = timedelta(days=1)


def hour_of(session: Session) -> Any:
    """SQL for the UTC hour a call started in (a timestamp on PostgreSQL, text on SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("hour", func.timezone("UTC", Call.started_at))
    return func.strftime("%Y-%m-%d %H:00:00", Call.started_at)


def millis_between(session: Session, later: Any, earlier: Any) -> Any:
    """SQL: milliseconds from `earlier` to `later`, rounded."""
    seconds: Any
    if session.get_bind().dialect.name == "postgresql":
        seconds = func.extract("epoch", later - earlier)
    else:
        seconds = (func.julianday(later) - func.julianday(earlier)) * 86400
    return func.round(seconds * 1000)


def earliest(session: Session, a: Any, b: Any) -> Any:
    """SQL: the earlier of two instants (LEAST on PostgreSQL, scalar min on SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.least(a, b)
    return func.min(a, b)


def as_hour(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return when.replace(tzinfo=UTC)


def _mark(session: Session) -> int:
    found = session.scalar(select(RollupMark.last_call_id).where(RollupMark.name == MARK))
    if found is None:
        session.add(RollupMark(name=MARK, last_call_id=0))
        session.flush()
        return 0
    return int(found)


def refresh(session: Session, now: datetime) -> int:
    """Bring `call_hours` up to the newest call; how many hours were recounted."""
    mark = _mark(session)
    top = session.scalar(select(func.max(Call.id)))
    if top is None:
        return 0
    hour = hour_of(session)
    touched = {
        as_hour(h)
        for (h,) in session.execute(
            select(hour).where(Call.id > mark, Call.id <= top, *counted()).group_by(hour)
        )
    }
    this_hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    touched |= {this_hour - RECOUNT + timedelta(hours=i) for i in range(3)}
    since = min(touched)
    counts = {
        as_hour(h): int(n)
        for h, n in session.execute(
            select(hour, func.count())
            .where(Call.started_at >= since, Call.id <= top, *counted())
            .group_by(hour)
        )
    }
    session.execute(delete(CallHour).where(CallHour.hour.in_(sorted(touched))))
    rows = [{"hour": h, "calls": counts[h]} for h in sorted(touched) if counts.get(h)]
    if rows:
        session.execute(insert(CallHour), rows)
    moved = session.execute(
        update(RollupMark)
        .where(RollupMark.name == MARK, RollupMark.last_call_id == mark)
        .values(last_call_id=top, refreshed_at=now)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise RuntimeError("call_hours refreshed by another process meanwhile")
    return len(touched)


def desk_hourly_counts(session: Session, period: Period) -> list[tuple[datetime, int]]:
    """Calls received per UTC hour, every client: the roll-up plus the calls past its mark."""
    mark = session.scalar(select(RollupMark.last_call_id).where(RollupMark.name == MARK)) or 0
    start = period.start.astimezone(UTC)
    end = period.end.astimezone(UTC)
    found: list[tuple[datetime, int]] = [
        (h, n)
        for h, n in session.execute(
            select(CallHour.hour, CallHour.calls).where(CallHour.hour >= start, CallHour.hour < end)
        )
    ]
    hour = hour_of(session)
    live = session.execute(
        select(hour, func.count())
        .where(Call.id > mark, Call.started_at >= start, Call.started_at < end, *counted())
        .group_by(hour)
    )
    found += [(as_hour(h), int(n)) for h, n in live]
    return found

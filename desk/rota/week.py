"""The rota as people read it: per client and day, coverage, who is on duty, and the gaps.

Only presentation: who is on duty when is decided by `desk.rota` (the same `segments`
call routing uses), so the grid and the phone can never disagree. This module groups
those segments into blocks a person reads ("Claire 12:00–14:00") and names the
overrides that put someone there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.wall_time import local_to_utc
from desk.models import Client, Override, Secretary
from desk.rota import CoverageRules, Rota, Segment, coverage, segments
from desk.rota.gaps import segments_of

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Duty:
    secretary_id: int
    secretary: str
    rank: int
    start: datetime  # UTC
    end: datetime
    replaces: str | None = None  # set when an override put this secretary here
    override_id: int | None = None


@dataclass(frozen=True)
class Day:
    day: date
    coverage: list[Interval]
    duties: list[Duty]
    gaps: list[Interval]  # covered time with nobody on duty
    overflow: list[Duty] = field(default_factory=list)  # partners rung after those on duty


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _overflow(rota: Rota, found: list[Segment]) -> list[Segment]:
    """The partners rung after those on duty, cut wherever they change (an absence)."""
    cuts = sorted(set(rota.change_points()))
    result: list[Segment] = []
    for seg in found:
        bounds = [seg.start, *[p for p in cuts if seg.start < p < seg.end], seg.end]
        for a, b in pairwise(bounds):
            partners = tuple(r for step in rota.plan(a) for r in step if r.partner)
            result.append(Segment(a, b, partners))
    return result


def _blocks(found: list[Segment]) -> list[Duty]:
    """Consecutive segments where a secretary stays on duty become one block."""
    open_blocks: dict[tuple[int, int], Duty] = {}
    done: list[Duty] = []
    previous_end: datetime | None = None
    for seg in found:
        here = {(r.secretary_id, r.rank): r for r in seg.on_duty}
        for key in list(open_blocks):
            if key not in here or previous_end != seg.start:
                done.append(open_blocks.pop(key))
        for key, r in here.items():
            block = open_blocks.get(key)
            if block is None:
                open_blocks[key] = Duty(r.secretary_id, r.name, r.rank, seg.start, seg.end)
            else:
                open_blocks[key] = Duty(
                    block.secretary_id, block.secretary, block.rank, block.start, seg.end
                )
        previous_end = seg.end
    done.extend(open_blocks.values())
    return sorted(done, key=lambda d: (d.start, d.rank, d.secretary))


def _with_overrides(session: Session, duties: list[Duty]) -> list[Duty]:
    """Name whom each block replaces, when an override put its secretary there."""
    if not duties:
        return duties
    start, end = min(d.start for d in duties), max(d.end for d in duties)
    overrides = session.execute(
        select(Override, Secretary.name)
        .join(Secretary, Override.original_secretary_id == Secretary.id)
        .where(
            Override.replacement_secretary_id.in_({d.secretary_id for d in duties}),
            Override.starts_at < end,
            Override.ends_at > start,
        )
        .order_by(Override.starts_at, Override.id)
    ).all()
    result = []
    for d in duties:
        match = next(
            (
                (o, name)
                for o, name in overrides
                if o.replacement_secretary_id == d.secretary_id
                and o.starts_at < d.end
                and o.ends_at > d.start
            ),
            None,
        )
        if match is None:
            result.append(d)
        else:
            o, name = match
            result.append(Duty(d.secretary_id, d.secretary, d.rank, d.start, d.end, name, o.id))
    return result


def week(session: Session, client: Client, monday: date) -> list[Day]:
    """Seven days from `monday` (local dates of the client): its coverage, rota and
    overrides read once for the week, then cut day by day."""
    tz = ZoneInfo(client.timezone)
    midnights = [local_to_utc(monday + timedelta(days=i), time(0), tz) for i in range(8)]
    rules = CoverageRules.load(session, client, monday, monday + timedelta(days=7))
    rota = Rota(session, client, midnights[0], midnights[-1])
    found = [segments_of(rules, rota, start, end) for start, end in pairwise(midnights)]
    blocks = [_blocks(day) for day in found]
    named = iter(_with_overrides(session, [d for day in blocks for d in day]))
    return [
        Day(
            monday + timedelta(days=offset),
            _merge([(s.start, s.end) for s in found[offset]]),
            [next(named) for _ in blocks[offset]],
            _merge([(s.start, s.end) for s in found[offset] if not s.on_duty]),
            _blocks(_overflow(rota, found[offset])),
        )
        for offset in range(7)
    ]


@dataclass(frozen=True)
class NowAndNext:
    client: Client
    covered_now: bool
    on_duty: list[Duty]
    next_duty: list[Duty]  # the next block of duty starting after now (within a week)
    gaps: tuple[Segment, ...] = ()  # covered stretches of the week with nobody on duty


def now_and_next(session: Session, client: Client, at: datetime) -> NowAndNext:
    found = segments(session, client, at, at + timedelta(days=7))
    return now_and_next_of(client, found, coverage(session, client, at).covered, at)


def now_and_next_of(
    client: Client, found: list[Segment], covered_now: bool, at: datetime
) -> NowAndNext:
    """`now_and_next` from the week's segments already computed (see desk/rota/boards.py)."""
    blocks = _blocks(found)
    current = [d for d in blocks if d.start <= at < d.end]
    later = [d for d in blocks if d.start > at]
    first = min((d.start for d in later), default=None)
    return NowAndNext(
        client,
        covered_now,
        current,
        [d for d in later if d.start == first],
        tuple(segment for segment in found if not segment.on_duty),
    )


def duty_blocks(found: list[Segment]) -> list[Duty]:
    """Segments merged into one block per secretary while she stays on duty."""
    return _blocks(found)

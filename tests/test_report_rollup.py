"""The desk-wide hourly roll-up: the same heatmap as counting every call, never stale."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import CallHour
from desk.reports.facts import Scope
from desk.reports.measures import activity, heatmap_for
from desk.reports.rollup import refresh
from tests.helpers.reports import WEEK, make_call, make_people, paris, week_history

AFTER = datetime(2027, 3, 29, 12, tzinfo=UTC)


def _total(session: Session) -> int:
    return sum(map(sum, heatmap_for(session, Scope(None), WEEK)))


def test_the_rolled_up_heatmap_is_the_counted_one(session: Session) -> None:
    week_history(session)
    other, *_ = make_people(session)
    make_call(session, other, paris(2027, 3, 23, 12, 5), "missed")
    expected = activity(session, Scope(None), WEEK).heatmap
    assert heatmap_for(session, Scope(None), WEEK) == expected  # nothing rolled up yet: live
    assert refresh(session, AFTER) > 0
    assert session.scalar(select(CallHour.calls).where(CallHour.hour == paris(2027, 3, 23, 12)))
    assert heatmap_for(session, Scope(None), WEEK) == expected
    assert _total(session) == 11


def test_calls_after_the_mark_count_live_then_once(session: Session) -> None:
    client, *_ = week_history(session)
    refresh(session, AFTER)
    # A call added later, started in an hour already rolled up (the simulator's past times).
    make_call(session, client, paris(2027, 3, 22, 12, 50), "answered")
    assert _total(session) == 11
    refresh(session, AFTER)
    assert _total(session) == 11
    refresh(session, AFTER)  # nothing new: the same
    assert _total(session) == 11
    assert heatmap_for(session, Scope(None), WEEK)[0][12] == 3


def test_the_job_is_listed() -> None:
    from desk.jobs import JOBS

    assert any(j.ref == "desk.jobs.reports:call_hours" for j in JOBS)

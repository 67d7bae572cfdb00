"""The whole desk's figures counted by the database equal the call-by-call count."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.jobs.reports import catch_up
from desk.models import Call, Client, OfferedHalfHour, OutcomeHour
from desk.reports.desk_measures import desk_activity
from desk.reports.facts import Scope
from desk.reports.measures import activity
from desk.reports.periods import period
from desk.reports.settled import STEP, behind, settle
from tests.helpers.reports import Ring, make_call, paris, week_history


def test_the_fast_desk_path_equals_the_per_call_path(session: Session) -> None:
    # Two clients; the week of the spring-forward change (28 March 2027).
    week_history(session)
    other, _claire, sophie, _ines = week_history(session)
    make_call(
        session,
        other,
        paris(2027, 3, 28, 3, 45),
        "answered",
        plan=[[sophie]],
        rings=[Ring(sophie, 0, 1, 3.5, 40, "accepted")],
    )
    make_call(session, other, paris(2027, 3, 29, 0, 30), "in-progress")
    asked = period(date(2027, 3, 22), date(2027, 3, 29))
    slow = activity(session, Scope(), asked)
    fast = desk_activity(session, asked)
    assert fast.measures == slow.measures
    assert fast == slow
    assert fast.measures.offered > 0 and fast.measures.answered_partner > 0
    assert fast.secretaries and fast.measures.median_wait_seconds is not None


def test_a_call_imported_into_a_past_day_is_counted_at_the_next_view(db: Database) -> None:
    with db.session() as s:
        week_history(s)
        other, _claire, _sophie, _ines = week_history(s)
    asked = period(date(2027, 3, 22), date(2027, 3, 29))
    with db.session() as s:
        before = desk_activity(s, asked)
    with db.session() as s:
        make_call(s, other, paris(2027, 3, 23, 12, 0), "missed")
    with db.session() as s:
        after = desk_activity(s, asked)
        assert after == activity(s, Scope(), asked)
    assert after.measures.offered == before.measures.offered + 1


def test_a_call_of_the_last_day_is_counted_as_it_ends(db: Database) -> None:
    with db.session() as s:
        other, _claire, _sophie, _ines = week_history(s)
        make_call(s, other, paris(2027, 3, 29, 12, 0), "in-progress")
    asked = period(date(2027, 3, 22), date(2027, 3, 29))
    with db.session() as s:
        ringing = desk_activity(s, asked)
        s.execute(update(Call).where(Call.outcome == "in-progress").values(outcome="missed"))
    with db.session() as s:
        ended = desk_activity(s, asked)
        assert ended == activity(s, Scope(), asked)
    assert ended.measures.abandoned == ringing.measures.abandoned + 1


def test_settled_hours_are_read_from_the_roll_up_and_a_late_call_is_still_counted(
    db: Database,
) -> None:
    with db.session() as s:
        week_history(s)
        other, _claire, _sophie, _ines = week_history(s)
    asked = period(date(2027, 3, 22), date(2027, 3, 29))
    with db.session() as s:
        counted = desk_activity(s, asked)
    # 26 March's end is settled on the 27th: the days before are rolled up, the rest live.
    with db.session() as s:
        assert settle(s, paris(2027, 3, 27, 23, 30)) > 0
    with db.session() as s:
        assert desk_activity(s, asked) == counted == activity(s, Scope(), asked)
        # A settled call rewritten behind the roll-up's back: the page keeps the roll-up's.
        rewritten = s.execute(
            update(Call)
            .where(Call.started_at < paris(2027, 3, 25, 0), Call.outcome == "answered")
            .values(outcome="missed")
        )
        assert rewritten.rowcount > 0  # type: ignore[attr-defined]
        assert desk_activity(s, asked).measures.answered == counted.measures.answered
        s.rollback()
    with db.session() as s:  # imported into a settled hour: counted at once, then rolled up
        make_call(s, other, paris(2027, 3, 23, 12, 0), "missed")
    with db.session() as s:
        assert desk_activity(s, asked) == activity(s, Scope(), asked)
        assert settle(s, paris(2027, 3, 28, 9, 0)) >= 1
    with db.session() as s:
        after = desk_activity(s, asked)
        assert after == activity(s, Scope(), asked)
    assert after.measures.offered == counted.measures.offered + 1


def test_a_long_history_is_settled_a_week_per_unit_of_work(db: Database) -> None:
    """Two calls three weeks apart: one unit counts the first week's hours and says more
    are due; the job's catch-up counts the rest, each hour once."""
    with db.session() as s:
        parc = Client(slug="cabinet-du-parc", name="Cabinet du Parc")
        s.add(parc)
        s.flush()
        early, late = paris(2027, 3, 1, 12, 10), paris(2027, 3, 22, 12, 40)
        for at in (early, late):
            make_call(s, parc, at, "missed")
    now = paris(2027, 3, 25, 12, 0)
    with db.session() as s:
        assert settle(s, now) == STEP / timedelta(hours=1)
        assert behind(s, now)
    assert catch_up(db, lambda: now) > 0
    with db.session() as s:
        assert not behind(s, now)
        hours = s.scalars(select(OutcomeHour.hour).order_by(OutcomeHour.hour)).all()
        offered = s.scalars(select(OfferedHalfHour.hour).order_by(OfferedHalfHour.hour)).all()
    on_the_hour = [at.replace(minute=0) for at in (early, late)]
    assert hours == offered == on_the_hour

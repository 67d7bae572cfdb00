"""The whole desk's figures counted by the database equal the call-by-call count."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.models import Call
from desk.reports.desk_measures import desk_activity
from desk.reports.facts import Scope
from desk.reports.measures import activity
from desk.reports.periods import period
from tests.helpers.reports import Ring, make_call, paris, statements, week_history


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


def test_the_settled_days_kept_give_the_same_figures_and_see_an_added_call(db: Database) -> None:
    with db.session() as s:
        week_history(s)
        other, _claire, _sophie, _ines = week_history(s)
    asked = period(date(2027, 3, 22), date(2027, 3, 29))
    # Before, inside and after the period, across the spring-forward change.
    for now in (paris(2027, 3, 24, 12), paris(2027, 3, 29, 18), paris(2027, 4, 20, 9)):
        with db.session() as s:
            assert desk_activity(s, asked, now) == activity(s, Scope(), asked)
            assert desk_activity(s, asked, now) == activity(s, Scope(), asked)  # kept
    now = paris(2027, 3, 30, 18)  # 22 to 28 March settled, the 29th counted at each view
    counts = []
    for _ in range(2):
        with statements(db) as seen, db.session() as s:
            before = desk_activity(s, asked, now)
        counts.append(len(seen))
    assert counts[1] == counts[0] - 2  # the settled days' two counts kept
    with db.session() as s:  # a call imported into a settled day
        make_call(s, other, paris(2027, 3, 23, 12, 0), "missed")
    with db.session() as s:
        after = desk_activity(s, asked, now)
        assert after == activity(s, Scope(), asked)
    assert after.measures.offered == before.measures.offered + 1


def test_a_call_of_the_last_day_is_counted_as_it_ends(db: Database) -> None:
    with db.session() as s:
        other, _claire, _sophie, _ines = week_history(s)
        make_call(s, other, paris(2027, 3, 29, 12, 0), "in-progress")
    asked = period(date(2027, 3, 22), date(2027, 3, 29))
    now = paris(2027, 3, 29, 12, 1)
    with db.session() as s:
        ringing = desk_activity(s, asked, now)
        s.execute(update(Call).where(Call.outcome == "in-progress").values(outcome="missed"))
    with db.session() as s:
        ended = desk_activity(s, asked, now)
        assert ended == activity(s, Scope(), asked)
    assert ended.measures.abandoned == ringing.measures.abandoned + 1

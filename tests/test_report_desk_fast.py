"""The whole desk's figures counted by the database equal the call-by-call count."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from desk.reports.desk_measures import desk_activity
from desk.reports.facts import Scope
from desk.reports.measures import activity
from desk.reports.periods import period
from tests.reports_helpers import Ring, make_call, paris, week_history


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

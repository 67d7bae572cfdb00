"""Every activity measure on a hand-built week, against counts worked out by hand."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from desk.reports.facts import Period, Scope, Taker, load_facts
from desk.reports.measures import activity, heatmap_for, percentile
from tests.helpers.reports import PARIS, WEEK, week_history


def test_every_measure_of_the_week(session: Session) -> None:
    client, *_ = week_history(session)
    m = activity(session, Scope((client.id,)), WEEK).measures
    # Calls 1-6, 9, 10 reached the desk in hours; 7 and 8 came after hours.
    assert (m.offered, m.after_hours) == (8, 2)
    assert (m.answered, m.answered_first, m.answered_pair, m.answered_partner) == (5, 2, 2, 1)
    assert m.answer_rate == 0.625
    assert (m.abandoned, m.voicemails) == (1, 2)
    # Waits 8, 12, 25, 50, 4 s: median 12, 90th percentile by nearest rank = 5th of 5.
    assert (m.median_wait_seconds, m.p90_wait_seconds) == (12, 50)
    assert m.partner_share == 0.2
    assert m.handling_seconds == (120 + 60 + 200 + 100 + 30) / 5
    assert (m.messages_taken, m.appointments_booked) == (2, 1)
    # Five calls at noon, then one each at 03:00, 13:00 and 23:00 (earliest hour first).
    assert m.busiest_hours == [12, 3, 13]


def test_who_took_each_call(session: Session) -> None:
    client, claire, sophie, ines = week_history(session)
    facts = [f for f in load_facts(session, Scope((client.id,)), WEEK) if f.taker]
    assert [(f.taker_id, f.taker) for f in facts] == [
        (claire.id, Taker.FIRST),
        (sophie.id, Taker.PAIR),
        (sophie.id, Taker.PAIR),  # not Claire, whose bridge failed
        (ines.id, Taker.PARTNER),
        (claire.id, Taker.FIRST),
    ]


def test_local_hours_across_the_change_to_summer_time(session: Session) -> None:
    client, *_ = week_history(session)
    result = activity(session, Scope((client.id,)), WEEK)
    grid = result.heatmap
    assert sum(map(sum, grid)) == 10  # the 29th at 00:30 summer time is not in the week
    assert (grid[0][12], grid[1][12], grid[2][12], grid[2][13]) == (2, 2, 1, 1)
    assert (grid[3][20], grid[5][23]) == (1, 1)
    # Sunday: 03:30 and 23:30 summer time, not 02:30 and 22:30.
    assert (grid[6][3], grid[6][23], grid[6][2], grid[6][22]) == (1, 1, 0, 0)
    assert result.weekly == [{"week": "2027-W12", "offered": 8, "answered": 5}]


def test_answer_time_distribution_and_secretary_load(session: Session) -> None:
    client, _claire, _sophie, _ines = week_history(session)
    result = activity(session, Scope((client.id,)), WEEK)
    assert [b["calls"] for b in result.wait_distribution] == [1, 1, 1, 0, 1, 0, 1, 0]
    assert result.wait_distribution[-1]["up_to"] is None
    loads = {
        s.name: (s.answered, s.talk_seconds, s.median_wait_seconds, s.partner)
        for s in result.secretaries
    }
    assert loads == {
        "Claire": (2, 150, 6, False),
        "Sophie": (2, 260, 18.5, False),
        "Inès": (1, 100, 50, True),
    }


def test_one_secretarys_calls(session: Session) -> None:
    client, claire, _sophie, ines = week_history(session)
    m = activity(session, Scope((client.id,), claire.id), WEEK).measures
    # Claire was rung for calls 1-6 and 9; she took none of the desk's messages this week.
    assert (m.offered, m.answered, m.messages_taken) == (7, 5, 0)
    m = activity(session, Scope(None, ines.id), WEEK).measures
    assert (m.offered, m.answered, m.answered_partner, m.messages_taken) == (1, 1, 1, 1)


def test_an_empty_period_has_no_rates(session: Session) -> None:
    client, *_ = week_history(session)
    m = activity(
        session, Scope((client.id,)), Period(date(2027, 5, 3), date(2027, 5, 9), PARIS)
    ).measures
    assert (m.offered, m.answer_rate, m.median_wait_seconds, m.partner_share) == (
        0,
        None,
        None,
        None,
    )


def test_percentile_by_nearest_rank() -> None:
    assert percentile([], 90) is None
    assert percentile([3.0], 90) == 3.0
    assert percentile([float(i) for i in range(1, 11)], 90) == 9.0
    assert percentile([float(i) for i in range(1, 21)], 90) == 18.0


def test_the_database_counted_heatmap_is_the_same(session: Session) -> None:
    client, claire, *_ = week_history(session)
    for scope in (Scope((client.id,)), Scope(None), Scope(None, claire.id)):
        assert heatmap_for(session, scope, WEEK) == activity(session, scope, WEEK).heatmap

"""Forecast per weekday and half hour (holidays left out) and the staffing advice."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy.orm import Session

from desk.models import Absence
from desk.reports.erlang import staffing
from desk.reports.erlang_a import staffing_a
from desk.reports.forecast import DEFAULT_AHT, Verdict, Window, add_client, advice, forecast
from tests.helpers.reports import Ring, make_call, paris
from tests.helpers.routing import demo_client, secretary

APRIL_5 = date(2027, 4, 5)  # a Monday; the two weeks before hold Easter Monday (29 March)


def _history(session: Session) -> None:
    client = demo_client(session)
    claire = secretary(session, "Claire")
    for at in (paris(2027, 3, 22, 12, 5), paris(2027, 3, 22, 12, 10)):
        make_call(session, client, at, "answered", rings=[Ring(claire, 0, 1, 6, 100, "accepted")])
    for minute in (5, 6, 7):  # Easter Monday: left out, calls and day
        make_call(session, client, paris(2027, 3, 29, 12, minute), "missed")
    make_call(session, client, paris(2027, 3, 23, 12, 40), "missed")
    for minute in (40, 41, 42):
        make_call(
            session,
            client,
            paris(2027, 3, 30, 12, minute),
            "answered",
            rings=[Ring(claire, 0, 1, 6, 200, "accepted")],
        )
    make_call(session, client, paris(2027, 3, 30, 20, 0), "after-hours")


def test_the_forecast_averages_past_weekdays_without_holidays(demo: str, session: Session) -> None:
    _history(session)
    fc = forecast(session, demo_client(session), APRIL_5, weeks=2)
    assert (fc.first, fc.last) == (date(2027, 3, 22), date(2027, 4, 4))
    assert fc.days_kept == [1, 2, 2, 2, 2, 2, 2]
    assert fc.expected[0][24] == 2.0  # Monday 12:00-12:30: 2 calls on the one Monday kept
    assert fc.expected[1][25] == 2.0  # Tuesday 12:30-13:00: (1 + 3) / 2
    assert fc.expected[1][40] == 0.0  # after-hours calls need nobody
    assert fc.aht_seconds == (2 * 100 + 3 * 200) / 5 and fc.aht_measured


def test_no_history_uses_the_default_handling_time(demo: str, session: Session) -> None:
    fc = forecast(session, demo_client(session), APRIL_5, weeks=2)
    assert (fc.aht_seconds, fc.aht_measured) == (DEFAULT_AHT, False)


def test_advice_per_covered_half_hour_against_the_rota(demo: str, session: Session) -> None:
    _history(session)
    client = demo_client(session)
    fc = forecast(session, client, APRIL_5, weeks=2)
    rows = advice(session, client, APRIL_5, fc)
    # Weekdays 12-14 and 18-19 (6 half hours), Saturday 8-12 (8 half hours).
    assert len(rows) == 5 * 6 + 8
    monday_noon = rows[0]
    assert (monday_noon.day, monday_noon.label) == (APRIL_5, "12:00")
    # 4 calls an hour of 160 s: one secretary answers 80 % within 20 s; the pair is there.
    assert (monday_noon.needed, monday_noon.on_duty, monday_noon.verdict) == (1, 2, Verdict.OVER)
    # Both away on Tuesday from 12:00 to 13:00: nobody on duty, under-staffed.
    for name in ("Claire", "Sophie"):
        session.add(
            Absence(
                secretary_id=secretary(session, name).id,
                starts_at=paris(2027, 4, 6, 12),
                ends_at=paris(2027, 4, 6, 13),
            )
        )
    session.flush()
    tuesday = [r for r in advice(session, client, APRIL_5, fc) if r.day == date(2027, 4, 6)]
    assert [(r.label, r.on_duty, r.verdict) for r in tuesday[:3]] == [
        ("12:00", 0, Verdict.UNDER),
        ("12:30", 0, Verdict.UNDER),
        ("13:00", 2, Verdict.OVER),
    ]


def test_what_if_a_busy_client_joins_on_tuesday_lunchtimes(demo: str, session: Session) -> None:
    client = demo_client(session)
    fc = forecast(session, client, APRIL_5, weeks=2)
    more = add_client(fc, 120, [Window(frozenset({1}), time(12), time(13))])
    assert more.expected[1][24] == more.expected[1][25] == 60.0
    assert fc.expected[1][24] == 0.0  # the forecast itself is untouched
    rows = [r for r in advice(session, client, APRIL_5, more) if r.day == date(2027, 4, 6)]
    # 120 calls an hour of 180 s = 6 Erlangs: 9 secretaries for 80 % within 20 s.
    assert [(r.label, r.needed, r.verdict) for r in rows[:3]] == [
        ("12:00", 9, Verdict.UNDER),
        ("12:30", 9, Verdict.UNDER),
        ("13:00", 1, Verdict.OVER),
    ]


def test_patience_measured_from_abandoned_calls_switches_to_erlang_a(
    demo: str, session: Session
) -> None:
    client = demo_client(session)
    claire = secretary(session, "Claire")
    # Five callers hung up after 20 s; five were answered after 10 s: patience 150 / 5 = 30 s.
    for day in (22, 23, 24, 25, 26):
        call = make_call(session, client, paris(2027, 3, day, 12, 5), "missed")
        call.ended_at = call.started_at + timedelta(seconds=20)
        make_call(
            session,
            client,
            paris(2027, 3, day, 12, 20),
            "answered",
            rings=[Ring(claire, 0, 0, 10, 180, "accepted")],
        )
    session.flush()
    fc = forecast(session, client, APRIL_5, weeks=2)
    assert fc.patience_seconds == 30.0
    busy = add_client(fc, 300, [Window(frozenset({1}), time(12), time(13))])
    tuesday = [r for r in advice(session, client, APRIL_5, busy) if r.day == date(2027, 4, 6)]
    # About 300 calls an hour of 180 s: Erlang C would want 19; callers who give up after
    # 30 s leave the queue, and Erlang A answers 80 % within 20 s with fewer.
    noon = tuesday[0]
    assert noon.expected == 151.0
    assert staffing(2 * noon.expected, 180).agents == 19
    assert noon.needed == staffing_a(2 * noon.expected, 180, 30).agents < 19

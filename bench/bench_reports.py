"""Reports speed on PostgreSQL: heatmaps and the monthly report against a plain COUNT(*).

Seeds bench_routing's desk (1,000 clients, their pairs and partners) and 1,000,000 calls
over the year before 1 March 2027 (in the clients' windows, 8 % after hours; answered
calls with their accepted ring) in a database of its own on the server named by
`DESK_BENCH_DATABASE_URL` (default: the local PostgreSQL), then prints, each beside a
`SELECT count(*)` over the same rows in the same run:

- the 12-week weekday x hour heatmap of one client (target < 50 ms), counted by the
  database, and of the whole desk (target < 300 ms), read from the hourly roll-up
  (`call_hours`, built first as the job would) plus the calls past its mark;
- a client's monthly report e-mail built (`build_report`, this month and the last; < 1 s);
- every measure of the whole desk over 12 weeks, as its page counts them (`desk_activity`,
  GROUP BY in the database; target < 1 s);
- for information, the same for one week counted call by call (`activity`);
- the whole desk's staffing advice for the week of 1 March (`desk_week_advice`: eight
  weeks of history, from the settled roll-up, built first as the job would; < 300 ms).
"""

from __future__ import annotations

import io
import os
import random
import statistics
import time as clock
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.bench_routing import CLIENTS, desk_number, seed_desk
from desk.base.db import Database
from desk.jobs.reports import catch_up
from desk.models import Call, Client, Training
from desk.reports.desk_measures import desk_activity
from desk.reports.desk_staffing import desk_week_advice
from desk.reports.facts import Period, Scope
from desk.reports.measures import activity, heatmap_for
from desk.reports.monthly import build_report
from desk.reports.rollup import refresh

CALLS = 1_000_000
PARIS = ZoneInfo("Europe/Paris")
END = date(2027, 3, 1)
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
RUNS = 15


def _pairs(db: Database) -> dict[int, list[int]]:
    pairs: dict[int, list[int]] = {}
    with db.session() as s:
        for secretary_id, client_id in s.execute(
            select(Training.secretary_id, Training.client_id).where(
                Training.overflow_rank.is_(None)
            )
        ):
            pairs.setdefault(client_id, []).append(secretary_id)
    return pairs


def seed_calls(db: Database) -> None:
    """COPY a year of calls (and the accepted ring of each answered one)."""
    rng = random.Random(11)
    pairs = _pairs(db)
    start = datetime.combine(END - timedelta(days=365), datetime.min.time(), PARIS)
    calls, attempts = io.StringIO(), io.StringIO()
    for i in range(1, CALLS + 1):
        client_id = 1 + rng.randrange(CLIENTS)
        day = start + timedelta(days=rng.randrange(365))
        weekday = day.weekday()
        roll = rng.random()
        if roll < 0.08 or weekday == 6:
            at, outcome = (
                day.replace(hour=20) + timedelta(minutes=rng.randrange(120)),
                "after-hours",
            )
        else:
            if weekday == 5:
                at = day.replace(hour=8) + timedelta(minutes=rng.randrange(240))
            elif rng.random() < 0.7:
                at = day.replace(hour=12) + timedelta(minutes=rng.randrange(120))
            else:
                at = day.replace(hour=18) + timedelta(minutes=rng.randrange(60))
            outcome = "answered" if roll < 0.85 else ("voicemail" if roll < 0.93 else "missed")
        at_utc = at.astimezone(UTC)
        pair = pairs.get(client_id, [1, 2])
        taker = pair[0] if rng.random() < 0.8 else pair[-1]
        wait = rng.randint(2, 40)
        answered = outcome == "answered"
        calls.write(
            f"{i}\tCAb{i:029d}\t{client_id}\t{desk_number(client_id)}\t+33145678901\t"
            f"{at_utc.isoformat()}\t{outcome}\t[[{pair[0]}]]\t"
            f"{taker if answered else chr(92) + 'N'}\t"
            f"{(at_utc + timedelta(seconds=wait)).isoformat() if answered else chr(92) + 'N'}\n"
        )
        if answered:
            attempts.write(
                f"{i}\t0\t{taker}\t+33600000000\t{(at_utc + timedelta(seconds=1)).isoformat()}\t"
                f"completed\t{(at_utc + timedelta(seconds=wait)).isoformat()}\t"
                f"{rng.randint(60, 400)}\n"
            )
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET statement_timeout = 0")  # seeding, not the app: no time limit
        with cursor.copy(  # type: ignore[attr-defined]
            "COPY calls (id, call_sid, client_id, to_number, caller, started_at, outcome,"
            " plan, handled_by_id, answered_at) FROM STDIN"
        ) as copy:
            copy.write(calls.getvalue())
        with cursor.copy(  # type: ignore[attr-defined]
            "COPY call_attempts (call_id, position, secretary_id, number, started_at, outcome,"
            " accepted_at, duration_seconds) FROM STDIN"
        ) as copy:
            copy.write(attempts.getvalue())
        cursor.execute("ANALYZE calls")
        cursor.execute("ANALYZE call_attempts")
        raw.commit()
    finally:
        raw.close()


def timed(fn: Callable[[], object], runs: int = RUNS) -> float:
    """Median milliseconds of `runs` calls after one warm-up."""
    fn()
    samples = []
    for _ in range(runs):
        t0 = clock.perf_counter()
        fn()
        samples.append((clock.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def _count(db: Database, client_id: int | None, period: Period) -> Callable[[], object]:
    def run() -> object:
        with db.session() as s:
            query = select(func.count()).where(
                Call.started_at >= period.start, Call.started_at < period.end
            )
            if client_id is not None:
                query = query.where(Call.client_id == client_id)
            return s.scalar(query)

    return run


def _line(name: str, ms: float, base: float, target: float | None) -> None:
    goal = f"  target < {target:.0f} ms: {'met' if ms < target else 'MISSED'}" if target else ""
    print(f"{name:<44} {ms:8.1f} ms   COUNT(*) {base:7.1f} ms   ratio {ms / base:6.1f}x{goal}")


def measure(db: Database) -> None:
    weeks12 = Period(END - timedelta(weeks=12), END - timedelta(days=1), PARIS)
    week = Period(END - timedelta(weeks=1), END - timedelta(days=1), PARIS)
    client_id = 17
    with db.session() as s:
        client = s.get(Client, client_id)
        assert client is not None
        rows = s.scalar(
            select(func.count()).where(
                Call.started_at >= weeks12.start, Call.started_at < weeks12.end
            )
        )
    print(f"calls: {CALLS:,}; desk-wide 12 weeks: {rows:,} rows")

    def one() -> object:
        with db.session() as s:
            return heatmap_for(s, Scope((client_id,)), weeks12)

    def desk() -> object:
        with db.session() as s:
            return heatmap_for(s, Scope(None), weeks12)

    def monthly() -> object:
        with db.session() as s:
            c = s.get(Client, client_id)
            assert c is not None
            return build_report(s, c, date(2027, 2, 1))

    def desk_page() -> object:
        with db.session() as s:
            return desk_activity(s, weeks12)

    def desk_week() -> object:
        with db.session() as s:
            return activity(s, Scope(None), week)

    _line("heatmap, one client, 12 weeks", timed(one), timed(_count(db, client_id, weeks12)), 50)
    _line("heatmap, whole desk, 12 weeks", timed(desk), timed(_count(db, None, weeks12)), 300)
    february = Period(date(2027, 2, 1), date(2027, 2, 28), PARIS)
    _line(
        "monthly report of one client (Feb vs Jan)",
        timed(monthly),
        timed(_count(db, client_id, february)),
        1000,
    )
    _line(
        "every measure, whole desk, 12 weeks (GROUP BY)",
        timed(desk_page, 3),
        timed(_count(db, None, weeks12), 3),
        1000,
    )

    _line(
        "(info) every measure, whole desk, 1 week, call by call",
        timed(desk_week, 3),
        timed(_count(db, None, week), 3),
        None,
    )


def measure_staffing(db: Database) -> None:
    """The settled hours' roll-up built as the job would, then the desk's staffing advice."""
    t0 = clock.perf_counter()
    settled = catch_up(db, lambda: datetime.combine(END, datetime.min.time(), UTC))
    print(
        f"settled hours' roll-up built from scratch: {settled:,} hours in "
        f"{clock.perf_counter() - t0:.1f} s (then every 5 minutes, the new hours only)"
    )
    with db.engine.connect() as conn:  # as autovacuum would after such a load
        conn.execute(text("ANALYZE"))
        conn.commit()

    def staffing() -> object:
        with db.session() as s:
            return desk_week_advice(s, END)

    eight_weeks = Period(END - timedelta(weeks=8), END - timedelta(days=1), PARIS)
    _line(
        "staffing advice, whole desk, 8 weeks' history",
        timed(staffing, 3),
        timed(_count(db, None, eight_weeks), 3),
        300,
    )


def run() -> None:
    base = make_url(os.environ.get("DESK_BENCH_DATABASE_URL", DEFAULT_URL))
    name = f"desk_bench_reports_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(base.set(database=name).render_as_string(False))
    try:
        t0 = clock.perf_counter()
        seed_desk(db)
        seed_calls(db)
        print(f"seeded in {clock.perf_counter() - t0:.0f} s")
        t0 = clock.perf_counter()
        with db.session() as s:
            hours = refresh(s, datetime.combine(END, datetime.min.time(), UTC))
        print(
            f"call_hours roll-up built from scratch: {hours:,} hours in "
            f"{clock.perf_counter() - t0:.1f} s (then every 5 minutes, the new calls only)"
        )
        measure(db)
        measure_staffing(db)
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

"""Routing speed: `incoming` against a bare constant-TwiML endpoint, in-process.

Seeds a desk of 1,000 clients, 300 secretaries, 5,000 shifts and 1,000,000 past calls in
a temporary SQLite file, then reports, each as a ratio to the bare endpoint measured in
the same run: p50/p99 latency of `POST /webhooks/voice/incoming` in-process,
and the routing decision alone (load through gunicorn: `bench_load`, with wrk).
Finally every query `incoming` runs is EXPLAINed: none may scan a table.
"""

from __future__ import annotations

import os
import random
import secrets
import statistics
import tempfile
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, Response
from sqlalchemy import event, insert, text
from twilio.request_validator import RequestValidator

from desk.app import create_app
from desk.base.config import load_settings
from desk.base.db import Database
from desk.migrations import upgrade
from desk.models import Client, CoverageWindow, DeskNumber, Secretary, Shift, Training
from desk.request_context import set_clock

CLIENTS, SECRETARIES, SHIFTS, PAST_CALLS = 1_000, 300, 5_000, 1_000_000
TOKEN = "bench-auth-token"
PUBLIC = "https://desk.example.test"
PATH = "/webhooks/voice/incoming"
# Tuesday 30 March 2027, 12:41 in Paris: every client is covered, its pair on duty.
LUNCH = datetime(2027, 3, 30, 10, 41, tzinfo=UTC)
CONSTANT_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Bonjour</Say>'
    '<Dial action="https://desk.example.test/webhooks/voice/dial-result" timeout="20">'
    '<Number url="https://desk.example.test/webhooks/voice/screen">+33612000001</Number>'
    "</Dial></Response>"
)
IN_PROCESS_REQUESTS = 2_000
LOAD_REQUESTS, LOAD_SECONDS, LOAD_THREADS = 3_000, 20.0, 8


def desk_number(i: int) -> str:
    return f"+3319900{i:04d}"


def _settings(db_path: Path, instance: Path) -> Any:
    return load_settings(
        environ={"DESK_CONFIG": str(instance / "none.toml")},
        overrides={
            "server": {
                "secret_key": "bench",
                "instance_path": str(instance),
                "public_base_url": PUBLIC,
                "log_level": "WARNING",
            },
            "database": {"url": f"sqlite:///{db_path}"},
            "twilio": {"auth_token": TOKEN},
            "scheduler": {"enabled": False},
        },
    )


def seed(db: Database) -> None:
    seed_desk(db)
    _seed_past_calls(db)


def seed_desk(db: Database) -> None:
    """The desk without calls: clients, numbers, windows, secretaries, pairs, partners, shifts.

    Shared with bench_reports (on PostgreSQL too)."""
    rng = random.Random(7)
    upgrade(db.engine)
    with db.engine.begin() as conn:
        conn.execute(
            insert(Client),
            [
                {"id": i, "slug": f"client-{i}", "name": f"Cabinet {i}"}
                for i in range(1, CLIENTS + 1)
            ],
        )
        conn.execute(
            insert(DeskNumber),
            [{"client_id": i, "number": desk_number(i)} for i in range(1, CLIENTS + 1)],
        )
        conn.execute(
            insert(CoverageWindow),
            [
                {"client_id": c, "weekdays": days, "start_local": s, "end_local": e}
                for c in range(1, CLIENTS + 1)
                for days, s, e in (("01234", time(12), time(14)), ("01234", time(18), time(19)))
            ],
        )
        conn.execute(
            insert(Secretary),
            [
                {"id": i, "name": f"Secrétaire {i}", "phone": f"+336{i:08d}", "is_partner": i > 250}
                for i in range(1, SECRETARIES + 1)
            ],
        )
        trainings, shifts = [], []
        for c in range(1, CLIENTS + 1):
            pair = rng.sample(range(1, 251), 2)
            partner = rng.randrange(251, SECRETARIES + 1)
            trainings += [{"secretary_id": s, "client_id": c} for s in pair]
            trainings.append({"secretary_id": partner, "client_id": c, "overflow_rank": 1})
            first, second = pair
            for secretary_id, rank, weekdays, start, end in (
                (first, 1, "01234", 12, 14),
                (second, 2, "01234", 12, 14),
                (second, 1, "01234", 18, 19),
                (first, 2, "01234", 18, 19),
                (second, 1, "5", 8, 12),
            ):
                shifts.append(
                    {
                        "secretary_id": secretary_id,
                        "client_id": c,
                        "weekdays": weekdays,
                        "start_local": time(start),
                        "end_local": time(end),
                        "rank": rank,
                    }
                )
        conn.execute(insert(Training), trainings)
        conn.execute(insert(Shift), shifts[:SHIFTS])


def _seed_past_calls(db: Database) -> None:
    # A million past calls: the DB-API's executemany, far faster than the ORM.
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN")
        start = datetime(2026, 3, 1)
        cursor.executemany(
            "INSERT INTO calls (call_sid, client_id, to_number, caller, started_at, outcome, plan)"
            " VALUES (?, ?, ?, ?, ?, ?, '[]')",
            (
                (
                    f"CApast{i:026d}",
                    1 + i % CLIENTS,
                    desk_number(1 + i % CLIENTS),
                    "+33145678901",
                    (start + timedelta(seconds=i * 31)).strftime("%Y-%m-%d %H:%M:%S.%f"),
                    "answered",
                )
                for i in range(PAST_CALLS)
            ),
        )
        cursor.execute("COMMIT")
    finally:
        raw.close()


def signed_requests(n: int, prefix: str) -> list[tuple[dict[str, str], str]]:
    validator = RequestValidator(TOKEN)
    out = []
    for i in range(n):
        to = desk_number(1 + (i * 7919) % CLIENTS)
        form = {
            "CallSid": f"CA{prefix}{i:08d}{secrets.token_hex(4)}",
            "From": "+33145678901",
            "To": to,
            "CallStatus": "ringing",
            "Direction": "inbound",
        }
        out.append((form, validator.compute_signature(PUBLIC + PATH, form)))
    return out


def bare_app() -> Flask:
    app = Flask("bare")

    @app.post(PATH)
    def constant() -> Response:
        return Response(CONSTANT_TWIML, mimetype="text/xml")

    return app


def desk_app() -> Flask:
    """The desk as gunicorn loads it (`bench.bench_routing:desk_app()`), clock at lunch."""
    app = create_app(_settings(Path(os.environ["BENCH_DB"]), Path(os.environ["BENCH_INSTANCE"])))
    set_clock(app, lambda: LUNCH)
    return app


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def in_process(app: Flask, requests_: list[tuple[dict[str, str], str]]) -> list[float]:
    client = app.test_client()
    timings = []
    for form, signature in requests_:
        t0 = clock.perf_counter()
        response = client.post(PATH, data=form, headers={"X-Twilio-Signature": signature})
        timings.append(clock.perf_counter() - t0)
        assert response.status_code == 200, response.data
    return timings


def routing_alone(db_path: Path, n: int) -> list[float]:
    """`new_call.look_up` and `start_call` themselves: no HTTP, no signature, rolled back
    instead of committed."""
    from desk.calls import new_call

    db = Database(f"sqlite:///{db_path}")
    session = db.Session()
    timings = []
    try:
        for i in range(n):
            t0 = clock.perf_counter()
            arrival = new_call.look_up(
                session,
                call_sid=f"CAalone{i:08d}",
                to=desk_number(1 + (i * 7919) % CLIENTS),
                caller="+33145678901",
                forwarded_from=None,
                at=LUNCH,
            )
            new_call.start_call(session, arrival)
            session.rollback()
            timings.append(clock.perf_counter() - t0)
    finally:
        session.close()
        db.dispose()
    return timings


def explain(app: Flask, form: dict[str, str], signature: str) -> list[str]:
    """EXPLAIN QUERY PLAN of every SELECT `incoming` runs; returns the lines that scan."""
    engine = app.extensions["desk.db"].engine
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        app.test_client().post(PATH, data=form, headers={"X-Twilio-Signature": signature})
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    scans = []
    with engine.connect() as conn:
        for statement, parameters in seen:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            details = [str(row[-1]) for row in plan]
            print(f"   {' '.join(statement.split())[:90]}…")
            for line in details:
                print(f"      {line}")
            scans += [d for d in details if d.startswith("SCAN") and "USING" not in d]
    return scans


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-routing-") as tmp:
        db_path, instance = Path(tmp) / "desk.sqlite3", Path(tmp) / "instance"
        db = Database(f"sqlite:///{db_path}")
        t0 = clock.perf_counter()
        seed(db)
        with db.engine.connect() as conn:
            calls = conn.execute(text("SELECT count(*) FROM calls")).scalar()
        db.dispose()
        print(
            f"seeded {CLIENTS} clients, {SECRETARIES} secretaries, {SHIFTS} shifts, "
            f"{calls:,} past calls in {clock.perf_counter() - t0:.1f}s"
        )

        env = {"BENCH_DB": str(db_path), "BENCH_INSTANCE": str(instance)}
        os.environ.update(env)
        app = desk_app()
        bare = bare_app()
        warm = signed_requests(50, "warm")
        in_process(app, warm)
        in_process(bare, warm)
        routed = percentiles(in_process(app, signed_requests(IN_PROCESS_REQUESTS, "inproc")))
        baseline = percentiles(in_process(bare, signed_requests(IN_PROCESS_REQUESTS, "bare")))
        print(f"in-process incoming  p50 {routed[0] * 1e3:.2f} ms  p99 {routed[1] * 1e3:.2f} ms")
        print(
            f"in-process bare      p50 {baseline[0] * 1e3:.2f} ms  p99 {baseline[1] * 1e3:.2f} ms"
        )
        print(
            f"ratio incoming/bare  p50 {routed[0] / baseline[0]:.1f}x  "
            f"p99 {routed[1] / baseline[1]:.1f}x  "
            f"(routing adds {(routed[0] - baseline[0]) * 1e3:.2f} ms at p50)"
        )

        alone = percentiles(routing_alone(db_path, IN_PROCESS_REQUESTS))
        print(
            f"routing decision alone (no HTTP, rolled back)  p50 {alone[0] * 1e3:.2f} ms  "
            f"p99 {alone[1] * 1e3:.2f} ms  ({alone[0] / baseline[0]:.1f}x the bare request)"
        )

        form, signature = signed_requests(1, "explain")[0]
        print("query plans of one incoming call:")
        scans = explain(app, form, signature)
        print("full scans: " + (", ".join(scans) if scans else "none"))
        app.extensions["desk.db"].dispose()
        print("(through gunicorn: see bench_load, measured with wrk)")


if __name__ == "__main__":
    run()

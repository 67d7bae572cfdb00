"""Load figures through wrk and gunicorn, as ratios to a bare Flask app measured alongside.

For SQLite and PostgreSQL (`BENCH_PG_URL`, default the local server; skipped with a
note when unreachable):
- `POST /webhooks/voice/incoming` on a 1,000-client network against a 5-line Flask
  app on the same gunicorn settings, in three interleaved pairs (desk, bare, desk, …),
  each pair's ratio printed, and the CPU each side used (the bare run must saturate the
  server's workers, not wrk);
- every desk page for 10, 100 and 1,000 clients (300 secretaries), one connection per
  worker: p50, p99, req/s and page weight, and the 1,000/10 and 1,000/100 ratios;
- a 10,000-event feed: the first request on a fresh worker, and a 304 under load.
`BENCH_SECONDS` (default 10) sets the length of an incoming run; a page run is a third.
"""

from __future__ import annotations

import os
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import requests
from flask import Flask, Response
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

from bench.network import LUNCH, desk_number, seed_network
from bench.wrk import WORKERS, Load, gunicorn, post_script, run_wrk
from desk.app import create_app, ready_to_serve
from desk.base.config import load_settings
from desk.base.db import Database
from desk.jobs.reports import catch_up
from desk.migrations import upgrade
from desk.reports.rollup import refresh
from desk.request_context import set_clock

TOKEN = "bench-auth-token"
PUBLIC = "https://desk.example.test"
INCOMING = "/webhooks/voice/incoming"
PAGES = ["/desk/", "/desk/now", "/desk/rota/", "/desk/clients/", "/desk/calendar"]
PAGES += ["/desk/calls/", "/desk/messages/", "/desk/outbox/", "/desk/messages/new", "/desk/book"]
PAGES += ["/desk/billing/", "/desk/reports/", "/desk/reports/staffing", "/desk/payouts/"]
PAGES += ["/desk/people/", "/desk/privacy/audit", "/desk/clients/new", "/desk/simulator"]
PAIRS = 3
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CONSTANT_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Bonjour</Say></Response>'


def bare_app() -> Flask:
    app = Flask("bare")

    @app.route(INCOMING, methods=["GET", "POST"])
    def constant() -> Response:
        return Response(CONSTANT_TWIML, mimetype="text/xml")

    return app


def desk_app() -> Flask:
    """The desk as `desk serve` builds it (gunicorn loads `bench.bench_load:desk_app()`),
    its clock pinned at a weekday lunch time."""
    instance = Path(os.environ["BENCH_INSTANCE"])
    settings = load_settings(
        environ={"DESK_CONFIG": str(instance / "none.toml")},
        overrides={
            "server": {"secret_key": "bench", "instance_path": str(instance)}
            | {"public_base_url": PUBLIC, "log_level": "WARNING"},
            "database": {"url": os.environ["BENCH_DB_URL"]},
            "twilio": {"auth_token": TOKEN},
            "scheduler": {"enabled": False},
        },
    )
    app = create_app(settings)
    set_clock(app, lambda: LUNCH)
    return ready_to_serve(app)


@contextmanager
def database(kind: str, tmp: Path, name: str) -> Iterator[str | None]:
    """A fresh, migrated database URL (None when PostgreSQL cannot be reached)."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp / (name + '.sqlite3')}"
        _migrate(url)
        yield url
        return
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    db_name = f"bench_{name}_{os.getpid()}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    except Exception as error:
        print(f"   PostgreSQL unreachable at {PG_URL}: {type(error).__name__}; skipped")
        admin.dispose()
        yield None
        return
    url = make_url(PG_URL).set(database=db_name).render_as_string(False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    db = Database(url)
    upgrade(db.engine)
    db.dispose()


def _env(url: str, tmp: Path) -> dict[str, str]:
    return {"BENCH_DB_URL": url, "BENCH_INSTANCE": str(tmp / "instance")}


def incoming_script(tmp: Path, count: int, clients: int) -> Path:
    validator = RequestValidator(TOKEN)
    run = secrets.token_hex(3)
    made = []
    for i in range(count):
        form = {
            "CallSid": f"CA{run}{i:010d}",
            "From": "+33145678901",
            "To": desk_number(1 + (i * 7919) % clients),
            "CallStatus": "ringing",
            "Direction": "inbound",
        }
        signature = validator.compute_signature(PUBLIC + INCOMING, form)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        made.append((urlencode(form), headers | {"X-Twilio-Signature": signature}))
    return post_script(tmp / f"incoming-{run}.lua", made)


def calls_recorded(url: str) -> int:
    """Calls recorded so far: each answered request must be a new call, not a replay."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM calls")).scalar_one())
    finally:
        engine.dispose()


def _line(label: str, load: Load) -> str:
    return (
        f"{label:<10} {load.rps:7.0f} req/s  p50 {load.p50_ms:7.2f} ms  p99 {load.p99_ms:7.2f} ms"
        f"  (server CPU {load.server_cpu:.2f}, wrk CPU {load.client_cpu:.2f}"
        + (f", PostgreSQL CPU {load.database_cpu:.2f}" if load.database_cpu >= 0.01 else "")
        + (f", {load.bad} bad" if load.bad else "")
        + ")"
    )


def bench_incoming(url: str, tmp: Path, clients: int) -> None:
    env = _env(url, tmp)
    # More than the desk answers in a run, and a new script (new CallSids) for every run:
    # a CallSid sent again would be a repeated delivery, answered from its receipt.
    expected = int(SECONDS * 3000)
    with (
        gunicorn("bench.bench_load:desk_app()", env) as desk,
        gunicorn("bench.bench_load:bare_app()", env) as bare,
    ):
        # Warm every worker (connections, SQLAlchemy's compiled statements, the database's
        # pages), so the pairs measure a desk in its steady state: until every number has
        # had six calls; the first run's figure is printed as the cold one.
        before = calls_recorded(url)
        cold = run_wrk(desk, INCOMING, 5, incoming_script(tmp, 20_000, clients))
        print("   cold:  " + _line("incoming", cold) + f" {calls_recorded(url) - before} new calls")
        while calls_recorded(url) - before < 6 * clients:
            run_wrk(desk, INCOMING, 5, incoming_script(tmp, 20_000, clients))
        run_wrk(bare, INCOMING, 5, incoming_script(tmp, 2000, clients))
        ratios = []
        for pair in range(1, PAIRS + 1):
            script = incoming_script(tmp, expected, clients)
            before = calls_recorded(url)
            d = run_wrk(desk, INCOMING, SECONDS, script)
            recorded = calls_recorded(url) - before
            b = run_wrk(bare, INCOMING, SECONDS, script)
            ratios.append(d.rps / b.rps)
            print(f"   pair {pair}: " + _line("incoming", d) + f" {recorded} new calls")
            print("           " + _line("bare", b))
            print(
                f"           ratio {d.rps / b.rps:.3f} (aim >= 0.15 SQLite, 0.10 PostgreSQL);"
                f" incoming p99/p50 {d.p99_ms / d.p50_ms:.1f} (aim <= 3)"
            )
        print(f"   incoming/bare, median of the pairs: {statistics.median(ratios):.3f}")


def login(base: str, email: str, password: str) -> str:
    """The session cookie of a logged-in user (sent by hand: it is marked Secure)."""
    page = requests.get(f"{base}/desk/login", timeout=30)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert found, "no CSRF token on the login page"
    form = {"email": email, "password": password, "csrf_token": found.group(1)}
    cookie = "; ".join(f"{k}={v}" for k, v in page.cookies.items())
    answer = requests.post(
        f"{base}/desk/login",
        data=form,
        headers={"Cookie": cookie},
        timeout=30,
        allow_redirects=False,
    )
    assert answer.status_code in (302, 303), answer.status_code
    return "; ".join(f"{k}={v}" for k, v in answer.cookies.items())


SIZES = (10, 100, 1000)  # clients; 100 shows a page's rows full (10 clients fill fewer)


def rolled_up(url: str) -> None:
    """The reports' roll-ups as the call-hours job keeps them by the bench's lunch."""
    db = Database(url)
    try:
        with db.session() as session:
            refresh(session, LUNCH)
            session.commit()
        catch_up(db, lambda: LUNCH)
    finally:
        db.dispose()


def bench_pages(kind: str, tmp: Path) -> dict[tuple[int, str], tuple[Load, int]]:
    results: dict[tuple[int, str], tuple[Load, int]] = {}
    for clients in SIZES:
        with database(kind, tmp, f"pages{clients}") as url:
            if url is None:
                return results
            net = seed_network(create_engine(url), clients)
            rolled_up(url)
            with gunicorn("bench.bench_load:desk_app()", _env(url, tmp)) as server:
                cookie = login(server.url, *net.admin)
                for path in PAGES:  # warm both workers (the first request imports a lot)
                    run_wrk(server, path, 2, headers={"Cookie": cookie}, connections=2)
                for path in PAGES:
                    body = requests.get(server.url + path, headers={"Cookie": cookie}, timeout=60)
                    assert body.status_code == 200, (path, body.status_code)
                    # One connection per worker: a page's own time, not a queue of
                    # eight requests behind two workers (incoming measures throughput).
                    load = run_wrk(
                        server,
                        path,
                        max(2.0, SECONDS / 3),
                        headers={"Cookie": cookie},
                        connections=WORKERS,
                    )
                    results[(clients, path)] = (load, len(body.content))
    print(
        f"   {'page':<22} {'p50 at 10':>9} {'100':>7} {'1,000':>7} {'1,000/10':>8}"
        f" {'1,000/100':>9} {'p99 1,000':>9} {'req/s':>6}  KB at 10 / 100 / 1,000"
    )
    for path in PAGES:
        if (1000, path) not in results:
            continue
        (small, small_b), (mid, mid_b), (big, big_b) = (results[(n, path)] for n in SIZES)
        print(
            f"   {path:<22} {small.p50_ms:6.1f} ms {mid.p50_ms:7.1f} {big.p50_ms:7.1f}"
            f" {big.p50_ms / small.p50_ms:8.2f} {big.p50_ms / mid.p50_ms:9.2f}"
            f" {big.p99_ms:6.1f} ms {big.rps:6.0f}"
            f"  {small_b / 1024:.1f} / {mid_b / 1024:.1f} / {big_b / 1024:.1f}"
        )
    return results


def bench_feed(kind: str, tmp: Path) -> None:
    from bench.bench_scheduling import NOW, _appointments, _client
    from desk.models import FeedToken
    from scheduling.feeds import fill_missing_parts

    with database(kind, tmp, "feed") as url:
        if url is None:
            return
        db = Database(url)
        client_id, people, type_id = _client(db, "big", 1)
        _appointments(db, client_id, people, type_id, 10_000)
        small_id, small_people, small_type = _client(db, "small", 1)
        _appointments(db, small_id, small_people, small_type, 10)
        with db.session() as s:
            s.add(FeedToken(client_id=client_id, token="bench-feed", created_at=NOW))
            s.add(FeedToken(client_id=small_id, token="bench-small", created_at=NOW))
        db.dispose()
        path, env = "/feeds/bench-feed.ics", _env(url, tmp)
        # What the feed-parts job does after a bulk insert: build every part ahead.
        db = Database(url)
        start = time.perf_counter()
        while True:
            with db.session() as session:
                if fill_missing_parts(session, NOW, 500) < 500:
                    break
        db.dispose()
        print(
            f"   10,000 event parts built ahead (the feed-parts job, batches of 500):"
            f" {time.perf_counter() - start:.1f} s"
        )
        firsts = []
        for _ in range(3):  # a fresh gunicorn each time
            with gunicorn("bench.bench_load:desk_app()", env, workers=1) as server:
                # The worker's first request of any kind imports and compiles much:
                # a 10-event feed first, so the figure is the big feed's own cost.
                requests.get(server.url + "/feeds/bench-small.ics", timeout=120)
                start = time.perf_counter()
                answer = requests.get(server.url + path, timeout=120)
                firsts.append((time.perf_counter() - start) * 1000)
                assert answer.status_code == 200
        with gunicorn("bench.bench_load:desk_app()", env) as server:
            etag = requests.get(server.url + path, timeout=120).headers["ETag"]
            run_wrk(server, "/feeds/bench-small.ics", 3, connections=2)  # warm both workers
            # One connection: the latency of a 304 itself, not of a queue behind others.
            fresh = run_wrk(
                server, path, max(2.0, SECONDS / 3), headers={"If-None-Match": etag}, connections=1
            )
            ok = run_wrk(server, path, max(2.0, SECONDS / 3))
        print(
            f"   first request on a fresh worker: {statistics.median(firsts):.0f} ms"
            f" (aim < 200); 200 under load p50 {ok.p50_ms:.0f} ms p99 {ok.p99_ms:.0f} ms;"
            f" 304 (one connection) p50 {fresh.p50_ms:.2f} ms p99 {fresh.p99_ms:.2f} ms (aim < 2),"
            f" {fresh.rps:.0f} req/s"
        )


def run() -> None:
    parts = os.environ.get("BENCH_PARTS", "incoming,pages,feed").split(",")
    kinds = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    with tempfile.TemporaryDirectory(prefix="bench-load-") as name:
        tmp = Path(name)
        for kind in kinds:
            if "incoming" in parts:
                print(
                    f"-- {kind}: incoming, 1,000 clients, 300 secretaries; gunicorn 2 workers,"
                    f" wrk 1 thread 8 connections {SECONDS:.0f} s"
                )
                with database(kind, tmp, "incoming") as url:
                    if url is not None:
                        seed_network(create_engine(url), 1000, calls_per_client=200)
                        bench_incoming(url, tmp, 1000)
            if "pages" in parts:
                print(f"-- {kind}: desk pages (admin), 10, 100 and 1,000 clients")
                bench_pages(kind, tmp)
            if "feed" in parts:
                print(f"-- {kind}: feeds")
                bench_feed(kind, tmp)

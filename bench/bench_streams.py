"""Open pages and slow clients against the call path: `desk serve` as configured by default.

Issue 21 measured that 32 open desk pages, or 33 sockets sending a request one byte at a
time, left Twilio's webhooks unanswered (each held one of gunicorn's threads). `desk
serve` now runs gevent workers (docs/decisions.md). This bench starts `desk serve` itself
(default settings: `server.workers` workers — one on SQLite —, `server.connections`), on a
1,000-client network covered all day, and measures signed `POST
/webhooks/voice/incoming` through wrk (2 connections, new CallSids each run) while there
are open:
- nothing (the baseline of the same run);
- 64, then 256 live streams (`/desk/live`, a secretary logged in, as every open desk page
  holds one);
- 200 slow sockets, each sending a webhook's request one byte a second, never finishing
  it (with the 256 streams still open).
Each line gives p50 and p99, the ratio of p99 to the baseline's, and whether every
webhook was answered and recorded as a call ("lost" counts those that were not). The aim
(issue 21): p99 under 300 ms in every case, no webhook lost. Before each case the
secretaries are set free again, so each case routes the same way.
"""

from __future__ import annotations

import os
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import time as wall
from pathlib import Path

from sqlalchemy import create_engine, delete, insert, select, update

from bench.bench_load import (
    INCOMING,
    PUBLIC,
    SECONDS,
    TOKEN,
    calls_recorded,
    database,
    incoming_script,
    login,
)
from bench.network import SECRETARY, seed_network
from bench.wrk import Load, Server, free_port, run_wrk
from desk.models import CoverageWindow, Presence, Shift, Training, WaitingCall

CLIENTS = 1000
CASES = ((0, 0), (64, 0), (256, 0), (256, 200))  # (live streams, slow sockets)
AIM_P99_MS = 300.0


def cover_all_day(url: str) -> None:
    """Every client covered at every hour of every day, its two trained secretaries on
    duty (rank 1 and 2) and its partner on overflow: `desk serve` runs on the real clock."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(delete(CoverageWindow))
        conn.execute(delete(Shift))
        all_day = {"weekdays": "0123456", "start_local": wall(0), "end_local": wall(0)}
        conn.execute(
            insert(CoverageWindow), [{"client_id": c} | all_day for c in range(1, CLIENTS + 1)]
        )
        trained = conn.execute(
            select(Training.secretary_id, Training.client_id)
            .where(Training.overflow_rank.is_(None))
            .order_by(Training.client_id, Training.secretary_id)
        ).all()
        ranks: dict[int, int] = {}
        shifts = []
        for secretary_id, client_id in trained:
            ranks[client_id] = ranks.get(client_id, 0) + 1
            shifts.append(
                {"secretary_id": secretary_id, "client_id": client_id, "rank": ranks[client_id]}
                | all_day
            )
        conn.execute(insert(Shift), shifts)
    engine.dispose()


def set_everyone_free(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(delete(WaitingCall))
        conn.execute(update(Presence).values(state="available", call_id=None, attempt_id=None))
    engine.dispose()


@contextmanager
def desk_serve(url: str, tmp: Path) -> Iterator[Server]:
    """`desk serve` with the settings a new install has (database, secret, public URL and
    Twilio token given, nothing tuned)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESK_")}
    env |= {
        "DESK_CONFIG": str(tmp / "none.toml"),
        "DESK_DATABASE_URL": url,
        "DESK_SERVER_SECRET_KEY": "bench",
        "DESK_SERVER_INSTANCE_PATH": str(tmp / "instance"),
        "DESK_SERVER_PUBLIC_BASE_URL": PUBLIC,
        "DESK_TWILIO_AUTH_TOKEN": TOKEN,
    }
    desk = Path(sys.executable).parent / "desk"
    process = subprocess.Popen(
        [str(desk), "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                if server.worker_pids():
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("desk serve did not start")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=60)


class Sockets:
    """Open sockets kept alive by one thread: live streams read as they come, slow
    requests fed one byte a second."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.selector = selectors.DefaultSelector()
        self.slow: list[socket.socket] = []
        self.streams: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def open_stream(self, cookie: str) -> None:
        s = self._connect()
        s.sendall(
            f"GET /desk/live HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        head = s.recv(4096)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"the live stream did not open: {head[:80]!r}")
        s.setblocking(False)
        self.streams.append(s)
        self.selector.register(s, selectors.EVENT_READ)

    def open_slow(self) -> None:
        s = self._connect()
        s.sendall(f"POST {INCOMING} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".encode())
        self.slow.append(s)

    def _run(self) -> None:
        last_byte = time.monotonic()
        while not self.stopping.is_set():
            for key, _ in self.selector.select(timeout=0.1):
                try:
                    if not key.fileobj.recv(65536):  # type: ignore[union-attr]
                        self.selector.unregister(key.fileobj)
                except OSError:
                    self.selector.unregister(key.fileobj)
            if time.monotonic() - last_byte >= 1.0:
                last_byte = time.monotonic()
                for s in list(self.slow):
                    try:
                        s.send(b"a")
                    except OSError:
                        self.slow.remove(s)

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        for s in self.streams + self.slow:
            s.close()


def _case(server: Server, url: str, tmp: Path, streams: int, slow: int, sockets: Sockets,
          cookie: str) -> tuple[Load, int]:  # fmt: skip
    while len(sockets.streams) < streams:
        sockets.open_stream(cookie)
    while len(sockets.slow) < slow:
        sockets.open_slow()
    set_everyone_free(url)
    script = incoming_script(tmp, int(SECONDS * 2000), CLIENTS)
    before = calls_recorded(url)
    load = run_wrk(server, INCOMING, SECONDS, script, connections=2)
    recorded = calls_recorded(url) - before
    return load, max(0, load.requests - recorded) + load.bad


def bench_streams(url: str, tmp: Path) -> None:
    with desk_serve(url, tmp) as server:
        port = int(server.url.rsplit(":", 1)[1])
        cookie = login(server.url, *SECRETARY)
        run_wrk(server, INCOMING, 3, incoming_script(tmp, 8000, CLIENTS), connections=2)  # warm
        sockets = Sockets(port)
        baseline = None
        try:
            for streams, slow in CASES:
                load, lost = _case(server, url, tmp, streams, slow, sockets, cookie)
                baseline = baseline or load
                verdict = "ok" if load.p99_ms < AIM_P99_MS and lost == 0 else "MISSED"
                print(
                    f"   {streams:3d} streams, {slow:3d} slow sockets: p50 {load.p50_ms:6.1f} ms"
                    f"  p99 {load.p99_ms:6.1f} ms  ({load.p99_ms / baseline.p99_ms:.2f}x the"
                    f" baseline's p99)  {load.rps:5.0f} req/s  {load.requests} webhooks,"
                    f" lost {lost}  [{verdict}: p99 < {AIM_P99_MS:.0f} ms, none lost]"
                )
        finally:
            sockets.close()


def run() -> None:
    kinds = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    with tempfile.TemporaryDirectory(prefix="bench-streams-") as name:
        tmp = Path(name)
        for kind in kinds:
            print(f"-- {kind}: incoming beside open pages and slow clients; desk serve defaults,"
                  f" wrk 2 connections {SECONDS:.0f} s")  # fmt: skip
            with database(kind, tmp, "streams") as url:
                if url is None:
                    continue
                engine = create_engine(url)
                seed_network(engine, CLIENTS, calls_per_client=20)
                engine.dispose()
                cover_all_day(url)
                bench_streams(url, tmp)

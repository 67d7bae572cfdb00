"""Mixed load on gunicorn + PostgreSQL while the database restarts (loopback, bounded).

    python -m bench.load_restart [--seconds 40] [--workers 4]

Starts a private PostgreSQL cluster (initdb in a temporary folder, its own port: the
shared server is never touched), migrates and loads the demo, then runs `desk serve`
(gunicorn) and two `desk scheduler` processes. Client threads send signed voice
webhooks, API bookings (each queues a confirmation SMS) and feed reads; meanwhile the
database is restarted twice (a fast restart, then a stop of a few seconds). At the end
the outbox is given time to drain and the run prints: requests, errors by status, the
longest voice answer, SMS sent / lost / doubled.

Needs root (PostgreSQL runs as the `postgres` user) and the PostgreSQL binaries.
Not part of `make bench` (it takes a minute and restarts a database).
"""

from __future__ import annotations

import argparse
import collections
import glob
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, func, select, text
from twilio.request_validator import RequestValidator

TOKEN = "bench-auth-token-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivatePostgres:
    def __init__(self, folder: Path) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not binaries:
            raise SystemExit("PostgreSQL binaries not found (/usr/lib/postgresql/*/bin)")
        self.bin = Path(binaries[-1])
        self.data = folder / "pgdata"
        self.port = _free_port()
        folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(folder, "postgres")
        self._as_postgres(self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres")
        self.log = folder / "postgres.log"

    def _as_postgres(self, *args: object) -> None:
        command = ["runuser", "-u", "postgres", "--", *map(str, args)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", *args
        )

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/bench"


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_kind: dict[str, collections.Counter[str]] = collections.defaultdict(
            collections.Counter
        )
        self.longest_voice = 0.0
        self.voice_not_xml = 0

    def add(self, kind: str, status: str, seconds: float, xml_ok: bool = True) -> None:
        with self.lock:
            self.by_kind[kind][status] += 1
            if kind == "voice":
                self.longest_voice = max(self.longest_voice, seconds)
                self.voice_not_xml += 0 if xml_ok else 1


def _request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            return str(response.status), body, time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return str(exc.code), exc.read(), time.monotonic() - started
    except OSError as exc:
        return type(exc).__name__, b"", time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root: the private PostgreSQL runs as the postgres user")

    tmp = Path(tempfile.mkdtemp(prefix="desk-load-"))
    tmp.chmod(0o755)  # the postgres user must reach its data folder inside
    pg = PrivatePostgres(tmp / "pg")
    pg.start()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        return _run(args, tmp, pg, processes)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        pg.stop()
        if os.environ.get("BENCH_KEEP_TMP"):
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _run(
    args: argparse.Namespace,
    tmp: Path,
    pg: PrivatePostgres,
    processes: list[subprocess.Popen[bytes]],
) -> int:
    admin = create_engine(pg.url.replace("/bench", "/postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE bench"))
    admin.dispose()

    from desk.base.config import load_settings
    from desk.base.db import Database
    from desk.demo import load_demo
    from desk.migrations import upgrade
    from desk.models import Appointment, AppointmentType, Client, DeskNumber, Outbox, Practitioner
    from scheduling.tokens import create_api_key

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    config = tmp / "config.toml"
    config.write_text(
        f'[server]\npublic_base_url = "{base}"\nsecret_key = "bench"\n'
        f'instance_path = "{tmp / "instance"}"\nlog_level = "WARNING"\n'
        f'[database]\nurl = "{pg.url}"\n'
        f'[twilio]\nauth_token = "{TOKEN}"\n'
        "[scheduler]\noutbox_seconds = 1\nheartbeat_seconds = 2\n",
        encoding="utf-8",
    )
    settings = load_settings(config, environ={})
    db = Database(pg.url)
    upgrade(db.engine)
    now = datetime.now(UTC)
    with db.session() as s:
        load_demo(s, settings)
        client = s.scalars(select(Client)).first()
        assert client is not None
        desk_number = s.scalar(select(DeskNumber.number).where(DeskNumber.client_id == client.id))
        practitioner = s.scalar(select(Practitioner.id).where(Practitioner.client_id == client.id))
        type_id = s.scalar(select(AppointmentType.id).where(AppointmentType.client_id == client.id))
        _, api_key = create_api_key(s, client.id, "bench", now)
        from desk.models import FeedToken

        feed = s.scalar(select(FeedToken.token).where(FeedToken.client_id == client.id))
    env = {**os.environ, "DESK_CONFIG": str(config)}
    desk = str(Path(sys.executable).with_name("desk"))
    web_log = open(tmp / "web.log", "wb")  # noqa: SIM115
    processes.append(
        subprocess.Popen(
            [desk, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
            env=env,
            stdout=web_log,
            stderr=subprocess.STDOUT,
        )
    )
    scheduler_logs = []
    for n in range(2):
        log_file = open(tmp / f"scheduler{n}.log", "wb")  # noqa: SIM115
        scheduler_logs.append(tmp / f"scheduler{n}.log")
        processes.append(
            subprocess.Popen(
                [desk, "--config", str(config), "scheduler"],
                env={**env, "PYTHONUNBUFFERED": "1"},
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        )
    for _ in range(60):
        if _request(f"{base}/healthz")[0] == "200":
            break
        time.sleep(0.5)

    auth = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    slots = _free_slots(base, auth, practitioner, type_id, now)
    stats = Stats()
    stop = threading.Event()
    validator = RequestValidator(TOKEN)
    calls = iter(range(10**9))
    slot_lock = threading.Lock()

    def voice() -> None:
        while not stop.is_set():
            sid = f"CA{next(calls):032x}"
            form = {"CallSid": sid, "To": desk_number, "From": "+33612345678"}
            url = f"{base}/webhooks/voice/incoming"
            signature = validator.compute_signature(url, form)
            status, body, took = _request(
                url, urlencode(form).encode(), {"X-Twilio-Signature": signature}
            )
            stats.add("voice", status, took, xml_ok=body.lstrip().startswith(b"<?xml"))
            time.sleep(0.05)

    def book() -> None:
        while not stop.is_set():
            with slot_lock:
                if not slots:
                    return
                starts_at = slots.pop(random.randrange(len(slots)))
            payload = {
                "practitioner_id": practitioner,
                "type_id": type_id,
                "starts_at": starts_at,
                "patient_name": "Charge Test",
                "patient_phone": "+33612345678",
            }
            status, _, took = _request(
                f"{base}/api/v1/appointments", json.dumps(payload).encode(), auth
            )
            stats.add("booking", status, took)
            time.sleep(0.1)

    def read_feed() -> None:
        while not stop.is_set():
            status, _, took = _request(f"{base}/feeds/{feed}.ics")
            stats.add("feed", status, took)
            time.sleep(0.1)

    threads = [threading.Thread(target=f) for f in (voice, voice, book, book, read_feed)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(args.seconds * 0.25)
    print(f"[{time.monotonic() - started:5.1f} s] restarting PostgreSQL (fast)", flush=True)
    pg.restart()
    time.sleep(args.seconds * 0.35)
    print(f"[{time.monotonic() - started:5.1f} s] stopping PostgreSQL for 4 s", flush=True)
    pg.stop()
    time.sleep(4)
    pg.start()
    print(f"[{time.monotonic() - started:5.1f} s] PostgreSQL back", flush=True)
    time.sleep(max(0.0, args.seconds - (time.monotonic() - started)))
    stop.set()
    for thread in threads:
        thread.join()

    # Let the schedulers drain the outbox, then count.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with db.session() as s:
            pending = s.scalar(
                select(func.count()).select_from(Outbox).where(Outbox.state != "sent")
            )
        if not pending:
            break
        time.sleep(1)
    with db.session() as s:
        queued = s.scalar(select(func.count()).select_from(Outbox).where(Outbox.channel == "sms"))
        sent = s.scalar(
            select(func.count())
            .select_from(Outbox)
            .where(Outbox.channel == "sms", Outbox.state == "sent")
        )
        booked = s.scalar(select(func.count()).select_from(Appointment))
        bodies = list(s.scalars(select(Outbox.body).where(Outbox.channel == "sms")))
        unsent = s.execute(
            select(Outbox.id, Outbox.state, Outbox.attempts, Outbox.last_error).where(
                Outbox.state != "sent"
            )
        ).all()
    logged = "".join(p.read_text(errors="replace") for p in scheduler_logs)
    doubled = sum(1 for body in bodies if logged.count(f": {body}") > 1)
    db.dispose()
    for row in unsent:
        print(
            f"  not sent: outbox {row.id} state={row.state} attempts={row.attempts} "
            f"error={row.last_error!r}"
        )

    total = sum(sum(c.values()) for c in stats.by_kind.values())
    print(f"requests: {total} in {args.seconds:.0f} s ({args.workers} gunicorn workers)")
    for kind, counter in sorted(stats.by_kind.items()):
        print(f"  {kind:8} " + ", ".join(f"{k}: {v}" for k, v in sorted(counter.items())))
    errors = collections.Counter[str]()
    for counter in stats.by_kind.values():
        for status, count in counter.items():
            if not status.startswith("2") and status not in ("304", "409"):
                errors[status] += count
    print(
        "errors by status: " + (", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "none")
    )
    print(
        f"longest voice answer: {stats.longest_voice:.2f} s; voice answers not TwiML: "
        f"{stats.voice_not_xml}"
    )
    print(
        f"appointments booked: {booked}; SMS queued: {queued}, sent: {sent}, "
        f"lost: {(queued or 0) - (sent or 0)}, doubled: {doubled}"
    )
    return 0


def _free_slots(
    base: str, auth: dict[str, str], practitioner: int, type_id: int, now: datetime
) -> list[str]:
    query = urlencode(
        {
            "practitioner_id": practitioner,
            "type_id": type_id,
            "from": (now + timedelta(days=2)).isoformat(),
            "to": (now + timedelta(days=60)).isoformat(),
        }
    )
    status, body, _ = _request(f"{base}/api/v1/availability?{query}", headers=auth)
    if status != "200":
        raise SystemExit(f"availability answered {status}: {body[:200]!r}")
    return [slot["starts_at"] for slot in json.loads(body)["slots"]]


if __name__ == "__main__":
    raise SystemExit(main())

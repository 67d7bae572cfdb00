"""`desk serve` told to stop (SIGINT) while a secretary's live-call stream is open stops at
once: each worker ends its open streams (`worker_int`), where gunicorn used to wait its
graceful timeout (30 s) for the stream's thread and then kill the worker."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from desk.base.db import Database
from desk.cli import entry
from tests.conftest import TWILIO_AUTH_TOKEN
from tests.helpers.browser import PASSWORD, free_port
from tests.helpers.commands import desk_command
from tests.helpers.html import one, parse

pytestmark = pytest.mark.slow


def test_desk_serve_stops_at_once_with_a_live_stream_open(
    db: Database, demo: str, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESK_")}
    env.update(
        DESK_CONFIG=str(tmp_path / "none.toml"),
        DESK_DATABASE_URL=db.url,
        DESK_SERVER_SECRET_KEY="test-secret-key",
        DESK_SERVER_INSTANCE_PATH=str(tmp_path / "instance"),
        DESK_SERVER_PUBLIC_BASE_URL=url,
        DESK_TWILIO_AUTH_TOKEN=TWILIO_AUTH_TOKEN,
        DESK_SCHEDULER_ENABLED="false",
    )
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [desk_command(), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        http = requests.Session()
        deadline = time.monotonic() + 60
        while True:
            try:
                if http.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "desk serve did not start"
            time.sleep(0.2)
        # Two workers on PostgreSQL; one on SQLite, whose events stay in their process.
        assert len(_workers(process.pid)) == (2 if db.dialect == "postgresql" else 1)
        form = parse(http.get(f"{url}/desk/login", timeout=10).text)
        login = one(form, '//form[.//input[@name="email"]]')
        token = one(login, './/input[@name="csrf_token"]').get("value")
        logged_in = http.post(
            f"{url}/desk/login",
            data={"email": "claire@permanence.test", "password": PASSWORD, "csrf_token": token},
            timeout=10,
        )
        assert logged_in.status_code == 200 and "/desk/login" not in logged_in.url
        stream = http.get(f"{url}/desk/live", stream=True, timeout=30)
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        lines = stream.iter_lines(decode_unicode=True)
        assert next(lines) == "retry: 1000"

        asked = time.monotonic()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=45)
        stopped = time.monotonic() - asked
        # The stream ended with the worker (its remaining lines read to the end).
        list(lines)
        assert stopped < 15, f"desk serve took {stopped:.1f} s to stop"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        log.close()


def _workers(pid: int) -> list[str]:
    """The gunicorn master's worker processes, once it answered (all started by then, give
    or take the half second a second worker may take)."""
    time.sleep(0.5)
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()


@pytest.mark.parametrize(
    ("argv", "serving"),
    [
        (["serve"], True),
        (["--config", "desk.toml", "serve", "--workers", "2"], True),
        (["--config", "serve"], False),  # "serve" is the config file's name here
        (["run"], False),
        (["simulate", "serve"], False),
        ([], False),
    ],
)
def test_only_desk_serve_runs_patched_by_gevent(argv: list[str], serving: bool) -> None:
    assert entry.serving(argv) is serving

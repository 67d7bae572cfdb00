"""`desk serve` as the tests start it: the real command on a free port, its log kept."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.conftest import TWILIO_AUTH_TOKEN
from tests.helpers.browser import PASSWORD, free_port
from tests.helpers.commands import desk_command
from tests.helpers.html import one, parse


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def workers(self) -> list[str]:
        """The master's worker processes (all started once it answered, give or take the
        half second a second worker may take)."""
        time.sleep(0.5)
        pid = self.process.pid
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()

    def logged_in(self, email: str) -> requests.Session:
        """A browser-like session logged in through the form."""
        http = requests.Session()
        form = one(
            parse(http.get(f"{self.url}/desk/login", timeout=10).text),
            "//form[.//input[@name='email']]",
        )
        token = one(form, ".//input[@name='csrf_token']").get("value")
        answer = http.post(
            f"{self.url}/desk/login",
            data={"email": email, "password": PASSWORD, "csrf_token": token},
            timeout=10,
        )
        assert answer.status_code == 200 and "/desk/login" not in answer.url
        return http


@contextmanager
def desk_serve(
    database_url: str, tmp_path: Path, workers: int = 2, **env_extra: str
) -> Iterator[Served]:
    """`desk serve --workers N` on a free port of 127.0.0.1 (one worker on SQLite), the
    scheduler off; stopped on the way out with SIGINT (gunicorn's quick shutdown)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESK_")}
    env |= {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": database_url,
        "DESK_SERVER_SECRET_KEY": "test-secret-key",
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
        "DESK_SERVER_PUBLIC_BASE_URL": url,
        "DESK_TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "DESK_SCHEDULER_ENABLED": "false",
        **env_extra,
    }
    log_path = tmp_path / "gunicorn.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [desk_command(), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "desk serve did not start"
            time.sleep(0.2)
        yield Served(url, process, log_path)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log.close()

"""`desk run` starts from nothing: migrates a fresh database and answers on its port."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.helpers.browser import free_port
from tests.helpers.commands import desk_command


def wait_until_answering(url: str, process: subprocess.Popen[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out, _ = process.communicate()
            pytest.fail(f"desk run exited with {process.returncode}:\n{out}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    pytest.fail(f"desk run did not answer {url} within {seconds} s")


@pytest.mark.slow
def test_desk_run_serves_the_set_up_page_and_readyz_on_a_fresh_sqlite_database(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESK_")}
    env.update(
        DESK_CONFIG=str(tmp_path / "no-config.toml"),
        DESK_DATABASE_URL=f"sqlite:///{tmp_path / 'desk.sqlite3'}",
        DESK_SERVER_INSTANCE_PATH=str(tmp_path / "instance"),
        DESK_SCHEDULER_HEARTBEAT_SECONDS="1",
    )
    process = subprocess.Popen(
        [desk_command(), "run", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/healthz", process, seconds=60)
        # An empty desk: every page leads to the set-up page (no demo, no login yet).
        setup = requests.get(f"{base}/desk/login", timeout=5)
        assert setup.status_code == 200 and setup.url.endswith("/desk/setup")
        assert "Créez votre secrétariat" in setup.text
        assert requests.get(f"{base}/desk/", timeout=5, allow_redirects=False).status_code == 302

        ready: dict[str, object] = {}
        for _ in range(50):  # the in-process scheduler's first heartbeat
            ready = requests.get(f"{base}/readyz", timeout=5).json()
            if ready.get("scheduler_heartbeat"):
                break
            time.sleep(0.2)
        assert ready["status"] == "ok"
        assert ready["migration"] == ready["head"]
        assert ready["scheduler_heartbeat"]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
    assert (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.slow
def test_readme_desk_demo_0_make_run_starts_an_empty_desk_on_the_configured_port(
    tmp_path: Path,
) -> None:
    # The README's `DESK_DEMO=0 make run`, with the Makefile itself: make hands DESK_DEMO
    # to every command of its recipe (`desk init-db`, `desk run`), which must accept it.
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    root = Path(__file__).parent.parent
    venv = Path(sys.executable).parent.parent
    if not (venv / ".installed").exists():
        pytest.skip("the tests do not run from the Makefile's virtual environment")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESK_")}
    env.update(
        DESK_DEMO="0",
        DESK_CONFIG=str(tmp_path / "no-config.toml"),
        DESK_DATABASE_URL=f"sqlite:///{tmp_path / 'desk.sqlite3'}",
        DESK_SERVER_INSTANCE_PATH=str(tmp_path / "instance"),
        DESK_SERVER_PORT=str(port),
    )
    process = subprocess.Popen(
        [make, "-C", str(root), f"VENV={venv}", "run"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # make and the desk it starts, stopped together
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/healthz", process, seconds=60)
        # No demo: the empty desk opens on its set-up page, on the port it was given.
        setup = requests.get(f"{base}/desk/login", timeout=5)
        assert setup.status_code == 200 and setup.url == f"{base}/desk/setup"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        try:
            out, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, _ = process.communicate()
    assert "unknown setting" not in out
    with sqlite3.connect(tmp_path / "desk.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM clients").fetchone() == (0,)

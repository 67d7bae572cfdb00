"""`desk serve` told to stop (SIGINT) while a secretary's live-call stream is open stops at
once: each worker ends its open streams (`worker_int`), where gunicorn used to wait its
graceful timeout (30 s) for the stream's thread and then kill the worker."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desk.base.db import Database
from desk.cli import entry
from tests.helpers.serve import desk_serve

pytestmark = pytest.mark.slow


def test_desk_serve_stops_at_once_with_a_live_stream_open(
    db: Database, demo: str, tmp_path: Path
) -> None:
    with desk_serve(db.url, tmp_path, workers=2) as served:
        # Two workers on PostgreSQL; one on SQLite, whose events stay in their process.
        assert len(served.workers()) == (2 if db.dialect == "postgresql" else 1)
        http = served.logged_in("claire@permanence.test")
        stream = http.get(f"{served.url}/desk/live", stream=True, timeout=30)
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        lines = stream.iter_lines(decode_unicode=True)
        assert next(lines) == "retry: 1000"

        asked = time.monotonic()
        served.process.send_signal(signal.SIGINT)
        served.process.wait(timeout=45)
        stopped = time.monotonic() - asked
        # The stream ended with the worker (its remaining lines read to the end).
        list(lines)
        assert stopped < 15, f"desk serve took {stopped:.1f} s to stop"


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


def test_the_entry_point_imports_nothing_gevent_must_patch_first() -> None:
    """psycopg picks how it waits when first imported: imported before gevent's patch,
    it waits blocking, and one open live page froze a worker (every webhook waited).
    The `desk.cli` package must stay empty of commands for this."""
    found = subprocess.run(
        [sys.executable, "-c", "import sys, desk.cli.entry; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(found.stdout.strip().strip("[]").replace("'", "").split(", "))
    assert not loaded & {"ssl", "psycopg", "sqlalchemy", "flask", "desk.cli.commands"}

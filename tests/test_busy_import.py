from __future__ import annotations

import http.server
import ipaddress
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.config import Settings
from desk.base.db import Database
from desk.jobs import JobContext
from desk.jobs.busy_import import run
from desk.models import BusyBlock, CalendarSource
from scheduling.busy_import import import_all
from tests.helpers.appointments import make_practice
from tests.helpers.local_servers import serve_in_thread

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ics"
NOW = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(autouse=True)
def _trust_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local server is on loopback, which production never fetches (tests/test_ssrf.py)."""
    monkeypatch.setattr(
        "scheduling.busy_import.TRUSTED_NETWORKS", [ipaddress.ip_network("127.0.0.0/8")]
    )


@pytest.fixture
def ics_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server serving copies of the fixture files (no external network)."""
    for f in FIXTURES.glob("*.ics"):
        shutil.copy(f, tmp_path / f.name)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_Quiet, directory=str(tmp_path))
    )
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    server.shutdown()
    server.server_close()


def _blocks(session: Session) -> list[tuple[datetime, datetime, str]]:
    rows = session.scalars(select(BusyBlock).order_by(BusyBlock.starts_at))
    return [(b.starts_at, b.ends_at, b.summary) for b in rows]


def test_a_google_export_imports_recurrences_moves_and_leave_but_not_free_or_cancelled(
    session: Session, ics_server: tuple[str, Path]
) -> None:
    base, _ = ics_server
    practice = make_practice(session)
    practice.practitioner.busy_ics_url = f"{base}/google-export.ics"
    session.commit()
    (count,) = import_all(session, NOW).values()
    blocks = _blocks(session)
    assert count == len(blocks)
    summaries = {b[2] for b in blocks}
    assert summaries == {"Chirurgie (bloc)", "Chirurgie (bloc) - décalée", "Réunion URPS", "Congés"}
    starts = [b[0] for b in blocks]
    assert datetime(2027, 3, 1, 8, 0, tzinfo=UTC) in starts  # 09:00 Paris, winter
    assert datetime(2027, 4, 5, 7, 0, tzinfo=UTC) in starts  # 09:00 Paris, summer
    assert datetime(2027, 3, 29, 7, 0, tzinfo=UTC) not in starts  # EXDATE, Easter Monday
    assert datetime(2027, 4, 1, 7, 0, tzinfo=UTC) not in starts  # moved...
    assert datetime(2027, 4, 1, 12, 0, tzinfo=UTC) in starts  # ...to 14:00 Paris
    leave = next(b for b in blocks if b[2] == "Congés")
    assert leave[:2] == (
        datetime(2027, 4, 18, 22, tzinfo=UTC),
        datetime(2027, 4, 23, 22, tzinfo=UTC),
    )
    assert all(
        b.practitioner_id == practice.practitioner.id for b in session.scalars(select(BusyBlock))
    )


def test_an_outlook_export_reads_the_windows_zone_as_paris(
    session: Session, ics_server: tuple[str, Path]
) -> None:
    base, _ = ics_server
    practice = make_practice(session)
    practice.client.busy_ics_url = f"{base}/outlook-export.ics"
    session.commit()
    import_all(session, NOW)
    # 12:15 Paris on 30 March 2027 is summer time (since the 28th): 10:15 UTC.
    assert _blocks(session) == [
        (
            datetime(2027, 3, 30, 10, 15, tzinfo=UTC),
            datetime(2027, 3, 30, 11, 0, tzinfo=UTC),
            "Rendez-vous fournisseur",
        )
    ]


def test_a_failed_fetch_keeps_the_last_good_import_and_records_the_error(
    session: Session, ics_server: tuple[str, Path]
) -> None:
    base, folder = ics_server
    practice = make_practice(session)
    practice.client.busy_ics_url = f"{base}/outlook-export.ics"
    session.commit()
    import_all(session, NOW)
    good = _blocks(session)
    (folder / "outlook-export.ics").unlink()
    (result,) = import_all(session, NOW).values()
    source = session.scalars(select(CalendarSource)).one()
    assert result is None and source.last_error == "The calendar could not be fetched."
    assert _blocks(session) == good and source.last_success_at == NOW
    (folder / "outlook-export.ics").write_text("not a calendar")
    import_all(session, NOW)
    assert source.last_error and _blocks(session) == good


def test_the_job_imports_each_source_in_its_own_unit_of_work_at_its_clock(
    db: Database, settings: Settings, ics_server: tuple[str, Path]
) -> None:
    base, _ = ics_server
    with db.session() as s:
        practice = make_practice(s)
        practice.client.busy_ics_url = f"{base}/outlook-export.ics"
        practice.practitioner.busy_ics_url = f"{base}/missing.ics"
    run(JobContext(settings, db, "node", clock=lambda: NOW))
    with db.session() as s:
        sources = {src.practitioner_id is None: src for src in s.scalars(select(CalendarSource))}
        assert sources[True].last_success_at == NOW and sources[True].last_error is None
        failed = sources[False]
        # Our own words only (a server's answer never reaches last_error: see test_ssrf).
        assert (
            failed.last_attempt_at == NOW
            and failed.last_error == "The calendar could not be fetched."
        )
        assert len(_blocks(s)) == 1  # the client's import stays, the failing one adds nothing

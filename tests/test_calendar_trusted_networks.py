"""`calendars.trusted_networks` also lets the ICS busy-time import reach a calendar on the
practice's own network; without it, such an address stays refused (SSRF guard)."""

from __future__ import annotations

import http.server
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.jobs import JobContext
from desk.jobs.busy_import import run
from desk.models import BusyBlock, CalendarSource
from tests.helpers.appointments import NOW, make_practice
from tests.helpers.caldav_servers import calendar_settings
from tests.helpers.local_servers import serve_in_thread

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:a@b\r\n"
    "DTSTAMP:20270101T000000Z\r\nDTSTART:20270302T090000Z\r\nDTEND:20270302T100000Z\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def lan_calendar(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "busy.ics").write_text(ICS, encoding="utf-8")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_Quiet, directory=str(tmp_path))
    )
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_address[1]}/busy.ics"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("trusted", [["127.0.0.0/8"], []])
def test_the_busy_import_reaches_a_trusted_network_only(
    db: Database, session: Session, tmp_path: Path, lan_calendar: str, trusted: list[str]
) -> None:
    practice = make_practice(session)
    practice.client.busy_ics_url = lan_calendar
    session.commit()
    settings = calendar_settings(db.url, tmp_path, calendars={"trusted_networks": trusted})
    result = run(JobContext(settings, db, "test", clock=lambda: NOW))
    session.rollback()
    blocks = session.scalar(select(func.count()).select_from(BusyBlock))
    source = session.scalars(select(CalendarSource)).one()
    if trusted:
        assert (result["failed"], blocks, source.last_error) == (0, 1, None)
    else:
        assert (result["failed"], blocks) == (1, 0)
        assert source.last_error is not None and "cannot be fetched" in source.last_error

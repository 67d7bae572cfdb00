"""Real CalDAV servers for the tests: Radicale and Xandikos (both from PyPI), each a
subprocess on a free loopback port with a temporary storage folder.

Radicale checks passwords (htpasswd, plain); Xandikos has no authentication of its own
(it expects a reverse proxy in front, and its --htpasswd needs TLS), so it runs open on
loopback and the wrong-password tests use Radicale. A server that does not answer
within a few seconds fails the test run loudly: never a skip.

Its fixtures (`dav_server`, `radicale`, `own_radicale`) reach every test through
`pytest_plugins` in tests/conftest.py: test modules name them as parameters, never import
them; they import the plain helpers (`calendar_settings`, `connect_calendar`, ...).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
import requests
from sqlalchemy.orm import Session

from desk.base.config import Settings, load_settings
from scheduling.calendars import connections
from scheduling.calendars.dav import trusted_networks
from scheduling.calendars.sealing import seal

USER = "alice"
PASSWORD = "app-password-1234"
BIN = Path(sys.executable).parent


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Calendar:
    """One fresh calendar collection on a server, for one test."""

    server: DavServer
    url: str

    @property
    def username(self) -> str:
        return self.server.username

    @property
    def password(self) -> str:
        return self.server.password

    def put(self, name: str, ics: str) -> None:
        answer = self.server.http.put(
            f"{self.url}{name}.ics", data=ics.encode(), headers={"Content-Type": "text/calendar"}
        )
        assert answer.status_code in (201, 204), answer.status_code

    def objects(self) -> list[str]:
        """Every object's text, by a REPORT of the whole collection (not our client's)."""
        body = (
            '<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" '
            'xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop>'
            '<c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>'
        )
        answer = self.server.http.request(
            "REPORT",
            self.url,
            data=body,
            headers={"Depth": "1", "Content-Type": "application/xml"},
        )
        assert answer.status_code == 207, answer.status_code
        from xml.etree import ElementTree

        tree = ElementTree.fromstring(answer.content)
        return [
            el.text or ""
            for el in tree.iter("{urn:ietf:params:xml:ns:caldav}calendar-data")
            if el.text
        ]


class DavServer:
    def __init__(self, kind: str, folder: Path) -> None:
        self.kind = kind
        self.folder = folder
        self.port = _port()
        self.process: subprocess.Popen[bytes] | None = None
        self.username = USER if kind == "radicale" else ""
        self.password = PASSWORD if kind == "radicale" else ""
        self.http = requests.Session()
        self.http.trust_env = False
        if self.password:
            self.http.auth = (self.username, self.password)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _command(self) -> list[str]:
        if self.kind == "radicale":
            users = self.folder / "users"
            users.write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
            return [
                sys.executable,
                "-m",
                "radicale",
                "--server-hosts",
                f"127.0.0.1:{self.port}",
                "--storage-filesystem-folder",
                str(self.folder / "collections"),
                "--auth-type",
                "htpasswd",
                "--auth-htpasswd-filename",
                str(users),
                "--auth-htpasswd-encryption",
                "plain",
                # Radicale waits a second after a wrong password (twice: at the check and
                # before its 401) and after a 5xx, against guessing; the tests' wrong
                # passwords and errors are answered at once, as they are otherwise.
                "--auth-delay",
                "0",
                "--server-delay-on-error",
                "0",
                "--logging-level",
                "error",
            ]
        return [
            str(BIN / "xandikos"),
            "serve",
            "-d",
            str(self.folder / "data"),
            "--defaults",
            "-l",
            "127.0.0.1",
            "-p",
            str(self.port),
        ]

    def start(self) -> DavServer:
        with (self.folder / f"{self.kind}.log").open("ab") as log:
            self.process = subprocess.Popen(self._command(), stdout=log, stderr=log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                self.http.request("OPTIONS", self.base_url, timeout=1).close()
                return self
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        log_text = (self.folder / f"{self.kind}.log").read_text(errors="replace")
        raise RuntimeError(f"{self.kind} did not start on port {self.port}:\n{log_text[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.http.close()

    def new_calendar(self) -> Calendar:
        home = f"{USER}/" if self.kind == "radicale" else "user/calendars/"
        url = f"{self.base_url}{home}{uuid.uuid4().hex[:12]}/"
        answer = self.http.request("MKCALENDAR", url)
        assert answer.status_code == 201, (self.kind, answer.status_code, answer.text[:300])
        return Calendar(self, url)


@pytest.fixture(scope="session")
def _dav_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, DavServer]]:
    servers: dict[str, DavServer] = {}
    try:
        for kind in ("radicale", "xandikos"):
            servers[kind] = DavServer(kind, tmp_path_factory.mktemp(kind)).start()
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture(params=["radicale", "xandikos"])
def dav_server(request: pytest.FixtureRequest, _dav_servers: dict[str, DavServer]) -> DavServer:
    return _dav_servers[request.param]


@pytest.fixture
def radicale(_dav_servers: dict[str, DavServer]) -> DavServer:
    return _dav_servers["radicale"]


@pytest.fixture
def own_radicale(tmp_path: Path) -> Iterator[DavServer]:
    """A Radicale of the test's own, to stop and start again."""
    server = DavServer("radicale", tmp_path).start()
    yield server
    server.stop()


def calendar_settings(db_url: str, folder: Path, **extra: Any) -> Settings:
    """Test settings that reach loopback calendars (production never does)."""
    from tests.conftest import test_overrides

    return load_settings(
        environ={"DESK_CONFIG": str(folder / "no-config.toml")},
        overrides=test_overrides(
            db_url,
            folder / "instance",
            **{"calendars": {"trusted_networks": ["127.0.0.0/8"]}, **extra},
        ),
    )


def connect_calendar(
    session: Session,
    settings: Settings,
    calendar: Calendar,
    client_id: int,
    practitioner_id: int | None = None,
) -> int:
    """A CalDAV connection to `calendar`, checked and committed; its id."""
    trusted = trusted_networks(settings["calendars.trusted_networks"])
    found = connections.check(calendar.url, calendar.username, calendar.password, trusted=trusted)
    row = connections.add_connection(
        session,
        client_id=client_id,
        practitioner_id=practitioner_id,
        found=found,
        username=calendar.username,
        sealed_password=seal(settings, calendar.password) if calendar.password else "",
        now=datetime.now(UTC),
    )
    session.commit()
    return row.id


def events_of(calendar: Calendar) -> list[icalendar.Component]:
    """The VEVENTs the server holds, parsed with icalendar."""
    found = []
    for text in calendar.objects():
        found.extend(icalendar.Calendar.from_ical(text).walk("VEVENT"))
    return found

"""The busy-calendar import never reaches inside our network (SSRF), whatever the URL."""

from __future__ import annotations

import http.server
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import CalendarSource
from scheduling import safe_fetch
from scheduling.busy_import import import_all
from scheduling.safe_fetch import FetchFailed, FetchRefused, fetch
from tests.helpers.appointments import make_practice
from tests.helpers.local_servers import serve_in_thread

NOW = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
SECRET = b"BEGIN:VCALENDAR\r\nX-SECRET:internal-admin-token\r\n"


class _Secret(http.server.BaseHTTPRequestHandler):
    """An internal service: answers anyone on loopback with something secret."""

    def do_GET(self) -> None:
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.path.split("to=", 1)[1])
            self.end_headers()
            return
        self.send_response(200)
        self.end_headers()
        self.wfile.write(SECRET)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def internal() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Secret)
    serve_in_thread(server)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://[::1]:{port}/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "file:///etc/passwd",
        "gopher://127.0.0.1/",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(internal: int, url: str) -> None:
    with pytest.raises(FetchRefused):
        fetch(url.format(port=internal))


def test_a_dns_name_resolving_to_loopback_is_refused(
    internal: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo

    def fake(host: str, *args: object, **kwargs: object) -> object:
        if host == "calendar.example.com":
            return real("127.0.0.1", *args, **kwargs)  # type: ignore[arg-type]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with pytest.raises(FetchRefused):
        fetch(f"http://calendar.example.com:{internal}/busy.ics")


def test_a_redirect_to_loopback_is_refused_at_the_redirect(
    internal: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first hop passes for public (as a public server would); it redirects to loopback.
    first = f"http://127.0.0.1:{internal}/redirect?to=http://127.0.0.1:{internal}/secret"
    checks: list[str] = []

    def first_hop_only(address: str, trusted: object) -> bool:
        checks.append(address)
        return len(checks) == 1

    monkeypatch.setattr(safe_fetch, "_public", first_hop_only)
    with pytest.raises(FetchRefused):
        fetch(first)
    assert len(checks) == 2  # the redirect was checked, and refused


def test_the_body_is_capped() -> None:
    import ipaddress

    class _Big(_Secret):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x" * 300_000)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Big)
    serve_in_thread(server)
    try:
        with pytest.raises(FetchFailed) as caught:
            fetch(
                f"http://127.0.0.1:{server.server_address[1]}/",
                max_bytes=100_000,
                trusted=[ipaddress.ip_network("127.0.0.0/8")],
            )
        assert caught.value.code == "fetch_too_large"
    finally:
        server.shutdown()
        server.server_close()


def test_last_error_never_holds_the_body_and_open_or_closed_ports_look_alike(
    session: Session, internal: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ipaddress

    monkeypatch.setattr(
        "scheduling.busy_import.TRUSTED_NETWORKS", [ipaddress.ip_network("127.0.0.0/8")]
    )
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    practice = make_practice(session)
    errors = []
    for url in (f"http://127.0.0.1:{internal}/x.ics", f"http://127.0.0.1:{closed_port}/x.ics"):
        practice.client.busy_ics_url = url
        session.commit()
        import_all(session, NOW)
        source = session.scalars(select(CalendarSource)).one()
        errors.append(source.last_error or "")
    # The open port answered a non-calendar: unreadable; the closed one: not fetched.
    assert "internal-admin-token" not in "".join(errors)
    assert all(e.startswith("The calendar could not be") for e in errors)


def test_without_trust_the_import_of_a_loopback_url_stores_a_generic_error(
    session: Session, internal: int
) -> None:
    practice = make_practice(session)
    practice.client.busy_ics_url = f"http://127.0.0.1:{internal}/busy.ics"
    session.commit()
    (result,) = import_all(session, NOW).values()
    source = session.scalars(select(CalendarSource)).one()
    assert result is None
    assert source.last_error == "This address cannot be fetched (only public http/https servers)."

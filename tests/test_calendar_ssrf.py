"""A calendar URL never reaches inside our network: private and loopback addresses are
refused unless trusted (calendars.trusted_networks), redirects included; a certificate
that does not verify is named as such."""

from __future__ import annotations

import http.server
import ipaddress
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from scheduling.calendars.dav import CalendarError, Dav, check_host
from tests.helpers.local_servers import serve_in_thread

LOOPBACK_ONE = [ipaddress.ip_network("127.0.0.1/32")]


class _Redirect(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_PROPFIND(self) -> None:
        self.send_response(301)
        self.send_header("Location", self.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def redirecting() -> Iterator[str]:
    """A server on 127.0.0.1 that sends every PROPFIND to 127.0.0.2 (also loopback)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirect)
    _Redirect.target = f"http://127.0.0.2:{server.server_address[1]}/internal/"
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3/dav/",
        "http://192.168.1.10/remote.php/dav/",
        "http://169.254.169.254/latest/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_private_and_loopback_addresses_are_refused(url: str) -> None:
    with pytest.raises(CalendarError) as caught:
        check_host(url, ())
    assert caught.value.code == "calendar_url_not_allowed"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "no scheme"])
def test_only_http_and_https_urls_are_taken(url: str) -> None:
    with pytest.raises(CalendarError) as caught:
        check_host(url, ())
    assert caught.value.code == "calendar_url_invalid"


def test_a_trusted_network_is_reached() -> None:
    check_host("http://192.168.1.10/dav/", [ipaddress.ip_network("192.168.1.0/24")])


def test_a_redirect_into_an_untrusted_address_is_refused(redirecting: str) -> None:
    with (
        pytest.raises(CalendarError) as caught,
        Dav(redirecting, "", "", trusted=LOOPBACK_ONE) as dav,
    ):
        dav.discover()
    assert caught.value.code == "calendar_url_not_allowed"


@pytest.fixture
def self_signed(tmp_path: Path) -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 whose certificate no authority signed."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirect)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    serve_in_thread(server)
    yield f"https://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_certificate_that_does_not_verify_is_named(self_signed: str) -> None:
    with (
        pytest.raises(CalendarError) as caught,
        Dav(self_signed, "u", "p", trusted=LOOPBACK_ONE) as dav,
    ):
        dav.discover()
    assert caught.value.code == "calendar_tls_failed"

"""GET a URL an admin typed without letting it reach inside our network (SSRF).

Each hop, the first URL and every redirect, is resolved once; it is refused unless every
address is public (no loopback, private, link-local, CGNAT, multicast or reserved), and
the connection goes to the address that was checked, so DNS cannot answer differently a
second time. The body is capped in bytes and the whole fetch in seconds. Errors say only
"not allowed", "failed" or "too large": never the body nor the socket's own words, so
open and closed ports look alike.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

from desk.base.errors import DomainError

MAX_BYTES = 2_000_000
TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchRefused(DomainError):
    """The URL or its address is not one we fetch."""


class FetchFailed(DomainError):
    """The fetch did not give a calendar (network, status, size): nothing more is said."""


def _public(address: str, trusted: Sequence[Network]) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in trusted):
        return True
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def _resolve(host: str, port: int, trusted: Sequence[Network]) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FetchFailed("fetch_failed") from None
    addresses = [str(info[4][0]) for info in infos]
    # Every address must be public: a name with one private address is refused whole.
    if not addresses or not all(_public(a, trusted) for a in addresses):
        raise FetchRefused("url_not_allowed", "url")
    return addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, the certificate checked against the host name."""

    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def fetch(
    url: str,
    *,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT_SECONDS,
    trusted: Sequence[Network] = (),
) -> bytes:
    """The body of `url` (http or https, public addresses only, redirects checked)."""
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused("url_not_allowed", "url")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise FetchRefused("url_not_allowed", "url") from None
        address = _resolve(parts.hostname, port, trusted)
        kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchFailed("fetch_failed")
        connection = kind(address, parts.hostname, port, timeout=left)
        response: http.client.HTTPResponse | None = None
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path, headers={"User-Agent": "Permanence busy-time import"})
            response = connection.getresponse()
            if response.status in REDIRECTS and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location", ""))
                continue
            if response.status != 200:
                raise FetchFailed("fetch_failed")
            return _read(response, max_bytes, deadline)
        except (OSError, http.client.HTTPException, ValueError):
            raise FetchFailed("fetch_failed") from None
        finally:
            if response is not None:
                response.close()
            connection.close()
    raise FetchFailed("fetch_failed")


def _read(response: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchFailed("fetch_failed")
        chunk = response.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchFailed("fetch_too_large", limit=max_bytes)
        chunks.append(chunk)

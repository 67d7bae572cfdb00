"""Talking to a CalDAV server: discovery, PUT/DELETE with ETags, calendar-query REPORT.

python-caldav's `DAVClient` carries the requests (auth negotiation: Basic or Digest) and
finds the principal and its calendars; the writes and the time-range query are written
out here, so the `If-Match`/`If-None-Match` headers, the ETag kept and a 412 are ours to
see (the library's `save()` hides them). RFC 6764 DNS discovery is off: it would look up
SRV records of any domain an admin typed, and the desk talks to the URL it is given.

SSRF: the host of every URL (and of every redirect) must resolve to public addresses
only, or to `calendars.trusted_networks` (a Nextcloud on the practice's network).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from caldav.davclient import DAVClient
from caldav.lib import error as dav_error
from caldav.lib.http_sync import requests as http

from desk.base.errors import DomainError
from scheduling.safe_fetch import Network

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 15
NS = {"d": "DAV:", "c": "urn:ietf:params:xml:ns:caldav"}


class CalendarError(DomainError):
    """The server said no, or could not be reached; `permanent` when retrying cannot help."""

    def __init__(self, code: str, *, permanent: bool = False, **params: object) -> None:
        super().__init__(code, "url", **params)
        self.permanent = permanent


@dataclass(frozen=True)
class Found:
    """A calendar collection found by discovery."""

    url: str
    name: str


@dataclass(frozen=True)
class Answer:
    status: int
    etag: str | None
    body: str


@dataclass(frozen=True)
class Resource:
    """One calendar object from a REPORT."""

    href: str
    etag: str | None
    data: str


def trusted_networks(names: Sequence[str]) -> list[Network]:
    return [ipaddress.ip_network(name, strict=False) for name in names]


def check_host(url: str, trusted: Sequence[Network]) -> None:
    """Refuse a URL whose host is not public (nor trusted); the scheme must be http(s)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CalendarError("calendar_url_invalid", permanent=True)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except ValueError:
        raise CalendarError("calendar_url_invalid", permanent=True) from None
    except (OSError, UnicodeError):
        raise CalendarError("calendar_unreachable") from None
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in network for network in trusted):
            continue
        if not ip.is_global or ip.is_multicast or ip.is_reserved:
            raise CalendarError("calendar_url_not_allowed", permanent=True)


class Dav:
    """One server, one account. Every method raises CalendarError, never a library's."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        trusted: Sequence[Network] = (),
        timeout: int = TIMEOUT_SECONDS,
    ) -> None:
        check_host(url, trusted)
        self.url = url
        self.trusted = trusted
        self._login = (username, password, timeout)
        # Basic credentials with the first request (what iCloud, Fastmail, Nextcloud and
        # Radicale take): no 401 round trip first, which Radicale answers only after its
        # failed-login delay. A server that wants Digest gets a second, negotiating client.
        self.preemptive = bool(username)
        self.client = self._client()

    def _client(self) -> DAVClient:
        username, password, timeout = self._login
        client = DAVClient(
            url=self.url,
            username=username or None,
            password=password or None,
            timeout=timeout,
            enable_rfc6764=False,
            auth_type="basic" if self.preemptive else None,
        )
        # A redirect is followed only to an address we would have called ourselves.
        client.session.hooks["response"].append(self._check_redirect)
        client.session.trust_env = False  # no proxy nor .netrc from the environment
        return client

    def _check_redirect(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        location = response.headers.get("Location")
        if response.is_redirect and location:
            try:
                check_host(urljoin(str(response.url), location), self.trusted)
            except CalendarError:
                response.close()  # its connection is not handed back to the pool
                raise
        return response

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Dav:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, url: str, method: str, body: str = "", **headers: str) -> Answer:
        try:
            response = self.client.request(url, method, body, headers)
        except dav_error.AuthorizationError as exc:
            if self.preemptive and getattr(exc, "status", None) == 401:
                self.preemptive = False  # perhaps Digest: negotiate from the server's 401
                self.client.close()
                self.client = self._client()
                return self.request(url, method, body, **headers)
            raise _refused(exc) from None
        except http.exceptions.SSLError:
            raise CalendarError("calendar_tls_failed", permanent=True) from None
        except (http.exceptions.RequestException, dav_error.DAVError, OSError) as exc:
            log.info("calendar %s %s: %s", method, url, type(exc).__name__)
            raise CalendarError("calendar_unreachable") from None
        raw = response.raw
        return Answer(response.status, response.headers.get("ETag"), raw)

    # --- discovery ---

    def discover(self) -> list[Found]:
        """The calendars behind the URL: itself when it is one, else its principal's
        (found at the URL or through /.well-known/caldav)."""
        kind, name = self._resourcetype(self.url)
        if kind == "calendar":
            return [Found(self.url, name)]
        if kind == "other":  # an address book, a schedule inbox…
            raise CalendarError("calendar_not_a_calendar", permanent=True)
        for base in (self.url, urljoin(self.url, "/.well-known/caldav")):
            found = self._principal_calendars(base)
            if found is not None:
                return found
        if kind == "collection":
            raise CalendarError("calendar_not_a_calendar", permanent=True)
        raise CalendarError("calendar_url_unknown", permanent=True)

    def _resourcetype(self, url: str) -> tuple[str, str]:
        body = (
            '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:">'
            "<d:prop><d:resourcetype/><d:displayname/></d:prop></d:propfind>"
        )
        answer = self.request(url, "PROPFIND", body, Depth="0", **{"Content-Type": "text/xml"})
        if answer.status == 404:
            raise CalendarError("calendar_url_unknown", permanent=True)
        if answer.status != 207:
            return "none", ""
        try:
            tree = ElementTree.fromstring(answer.body)
        except ElementTree.ParseError:
            return "none", ""
        name = tree.findtext(".//d:displayname", default="", namespaces=NS)
        if tree.find(".//d:resourcetype/c:calendar", NS) is not None:
            return "calendar", name
        types = tree.find(".//d:resourcetype", NS)
        tags = {child.tag for child in types} if types is not None else set()
        if tags - {"{DAV:}collection", "{DAV:}principal"}:
            return "other", name
        if tags:
            return "collection", name
        return "none", name

    def _principal_calendars(self, base: str) -> list[Found] | None:
        try:
            principal = self.client.principal(url=base) if base != self.url else None
            principal = principal or self.client.principal()
            calendars = principal.calendars()
        except dav_error.AuthorizationError as exc:
            raise _refused(exc) from None
        except http.exceptions.SSLError:
            raise CalendarError("calendar_tls_failed", permanent=True) from None
        except (http.exceptions.RequestException, OSError):
            raise CalendarError("calendar_unreachable") from None
        except Exception as exc:  # the library's many ways of saying "no principal here"
            log.info("no principal at %s: %s", base, type(exc).__name__)
            return None
        found = []
        for calendar in calendars:
            url = str(calendar.url)
            check_host(url, self.trusted)
            try:
                name = calendar.get_display_name() or ""
            except Exception:
                name = ""
            found.append(Found(url, str(name)))
        return found

    # --- events ---

    def get(self, href: str) -> Answer:
        return self.request(href, "GET")

    def put(self, href: str, ics: str, *, etag: str | None) -> Answer:
        """PUT an event: `If-Match` its ETag when we have one, else `If-None-Match: *`
        (create only: a 412 then means it exists already)."""
        condition = {"If-Match": etag} if etag else {"If-None-Match": "*"}
        return self.request(
            href, "PUT", ics, **{"Content-Type": "text/calendar; charset=utf-8"}, **condition
        )

    def delete(self, href: str, *, etag: str | None) -> Answer:
        return self.request(href, "DELETE", **({"If-Match": etag} if etag else {}))

    def etag_of(self, href: str) -> str | None:
        body = (
            '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:">'
            "<d:prop><d:getetag/></d:prop></d:propfind>"
        )
        answer = self.request(href, "PROPFIND", body, Depth="0", **{"Content-Type": "text/xml"})
        if answer.status != 207:
            return None
        return ElementTree.fromstring(answer.body).findtext(".//d:getetag", None, NS)

    def sync_token(self, calendar_url: str) -> str | None:
        """The collection's current sync-token (RFC 6578), None when it offers none."""
        body = (
            '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:">'
            "<d:prop><d:sync-token/></d:prop></d:propfind>"
        )
        answer = self.request(
            calendar_url, "PROPFIND", body, Depth="0", **{"Content-Type": "text/xml"}
        )
        if answer.status != 207:
            return None
        return ElementTree.fromstring(answer.body).findtext(".//d:sync-token", None, NS) or None

    def changes(self, calendar_url: str, token: str) -> Changes:
        """What changed since `token`: a sync-collection REPORT (RFC 6578), hrefs only."""
        body = (
            '<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:">'
            f"<d:sync-token>{escape(token)}</d:sync-token><d:sync-level>1</d:sync-level>"
            "<d:prop><d:getetag/></d:prop></d:sync-collection>"
        )
        answer = self.request(
            calendar_url, "REPORT", body, **{"Content-Type": "application/xml; charset=utf-8"}
        )
        if answer.status in (403, 409, 410) or (
            answer.status == 207 and "valid-sync-token" in answer.body[:2000]
        ):
            raise SyncTokenExpired("calendar_server_error", status=answer.status)
        if answer.status != 207:
            raise CalendarError("calendar_server_error", status=answer.status)
        tree = ElementTree.fromstring(answer.body)
        changed, removed = [], []
        for response in tree.iterfind("d:response", NS):
            href = response.findtext("d:href", "", NS)
            status = response.findtext("d:status", "", NS)
            if " 404" in status:
                removed.append(href)
            elif not href.endswith("/"):
                changed.append(href)
        new_token = tree.findtext("d:sync-token", "", NS)
        if not new_token:
            raise SyncTokenExpired("calendar_server_error", status=answer.status)
        return Changes(new_token, changed, removed)

    def multiget(self, calendar_url: str, hrefs: Sequence[str]) -> list[Resource]:
        """The objects at `hrefs`, with their data: one calendar-multiget REPORT."""
        if not hrefs:
            return []
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
            "<d:prop><d:getetag/><c:calendar-data/></d:prop>"
            + "".join(f"<d:href>{escape(href)}</d:href>" for href in hrefs)
            + "</c:calendar-multiget>"
        )
        answer = self.request(
            calendar_url,
            "REPORT",
            body,
            Depth="1",
            **{"Content-Type": "application/xml; charset=utf-8"},
        )
        if answer.status != 207:
            raise CalendarError("calendar_server_error", status=answer.status)
        return _resources(answer.body)

    def query(self, calendar_url: str, start: datetime, end: datetime) -> list[Resource]:
        """Every VEVENT overlapping [start, end): a calendar-query REPORT (RFC 4791 7.8)
        with a time-range filter. Recurring events come whole (masters with their
        overrides) and are expanded by the caller, the same way for every server."""
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
            "<d:prop><d:getetag/><c:calendar-data/></d:prop>"
            '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">'
            f'<c:time-range start="{_stamp(start)}" end="{_stamp(end)}"/>'
            "</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>"
        )
        answer = self.request(
            calendar_url,
            "REPORT",
            body,
            Depth="1",
            **{"Content-Type": "application/xml; charset=utf-8"},
        )
        if answer.status == 404:
            raise CalendarError("calendar_url_unknown", permanent=True)
        if answer.status != 207:
            raise CalendarError("calendar_server_error", status=answer.status)
        return _resources(answer.body)


def _resources(multistatus: str) -> list[Resource]:
    found = []
    for response in ElementTree.fromstring(multistatus).iterfind("d:response", NS):
        data = response.findtext(".//c:calendar-data", None, NS)
        if data:
            found.append(
                Resource(
                    response.findtext("d:href", "", NS),
                    response.findtext(".//d:getetag", None, NS),
                    data,
                )
            )
    return found


class SyncTokenExpired(CalendarError):
    """The server no longer knows our sync-token (RFC 6578 3.2): read everything again."""


@dataclass(frozen=True)
class Changes:
    token: str
    changed: list[str]
    removed: list[str]


def _refused(exc: dav_error.AuthorizationError) -> CalendarError:
    """401: the user name or password; 403: this account may not use this address."""
    if getattr(exc, "status", None) == 403:
        return CalendarError("calendar_forbidden", permanent=True)
    return CalendarError("calendar_auth_failed", permanent=True)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

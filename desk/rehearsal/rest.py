"""Twilio's REST API for calls, played on 127.0.0.1 for the scratch desk: the real twilio
client (`desk.calls.voice_api`) is aimed at it by `twilio.api_base_url`.

`calls(sid).fetch()` answers the call's status as the virtual Twilio knows it;
`calls(sid).update(url=…)` (or `twiml=…`) is noted, answered at once, and carried out by the
rehearsal once the job that asked has returned (the job waits on this server meanwhile, so
nothing else moves). A call that is over cannot be redirected (Twilio's error 21220).
Anything else (an SMS) is refused: a rehearsal sends nothing.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

ACCOUNT = "AC" + "0" * 32
_CALL_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Calls/(?P<sid>[^/.]+)\.json$")
ENDED = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


@dataclass(frozen=True)
class Redirect:
    call_sid: str
    url: str
    twiml: str


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    form: dict[str, str]


@dataclass
class RestServer:
    """Start with `with RestServer() as rest:`; `rest.url` is `twilio.api_base_url`."""

    requests: list[Request] = field(default_factory=list)
    _statuses: dict[str, tuple[str, datetime | None]] = field(default_factory=dict)
    _redirects: list[Redirect] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                server._handle(self)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:  # quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> RestServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def status(self, call_sid: str, status: str, ended_at: datetime | None = None) -> None:
        """What Twilio knows of a call (or a secretary's leg) now."""
        with self._lock:
            self._statuses[call_sid] = (status, ended_at)

    def take_redirects(self) -> list[Redirect]:
        with self._lock:
            taken, self._redirects = self._redirects, []
        return taken

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode() if length else ""
        form = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        path = urlsplit(handler.path).path
        with self._lock:
            self.requests.append(Request(handler.command, path, form))
        found = _CALL_PATH.match(path)
        if found is None:
            self._reply(handler, 403, _error(403, 20003, "a rehearsal sends nothing"))
            return
        sid = found["sid"]
        with self._lock:
            known = self._statuses.get(sid)
        if known is None:
            self._reply(handler, 404, _error(404, 20404, f"call {sid} not found"))
            return
        status, ended_at = known
        if handler.command == "POST":
            if status in ENDED:
                self._reply(handler, 400, _error(400, 21220, "Call is not in-progress"))
                return
            with self._lock:
                self._redirects.append(Redirect(sid, form.get("Url", ""), form.get("Twiml", "")))
        body = {
            "sid": sid,
            "account_sid": found["account"],
            "status": status,
            "end_time": format_datetime(ended_at) if ended_at else None,
        }
        self._reply(handler, 200, body)

    @staticmethod
    def _reply(handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def _error(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }

"""Real local servers for the outside world: Twilio's REST API and an SMTP server.

Reusable by any test that sends (messages, appointments, web desk):

    with TwilioApiServer() as api:             # answers 201 with a message resource
        api.answer(500)                        # script the next answers, in order
        api.answer_error(400, 21211, "Invalid 'To' Phone Number")
        ... settings with twilio_overrides(api) ...
        api.requests[0].form["To"], api.requests[0].auth

    with SmtpServer() as smtp:
        ... settings with smtp_overrides(smtp) ...
        smtp.messages[0]["Subject"], smtp.messages[0].get_body(("html",))

The real `twilio` client talks to `TwilioApiServer` through `twilio.api_base_url`.
"""

from __future__ import annotations

import base64
import json
import socket
import socketserver
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

# socketserver's serve_forever looks for a shutdown request between two waits for a
# connection, every poll_interval: 0.5 s by default, which each test stopping a server
# waited. 50 ms, as tests/helpers/waiting.py asks again.
POLL_SECONDS = 0.05


def serve_in_thread(server: socketserver.BaseServer, name: str | None = None) -> threading.Thread:
    """`server.serve_forever()` in a daemon thread, started; `server.shutdown()` returns
    within POLL_SECONDS."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, name=name, daemon=True
    )
    thread.start()
    return thread


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]
    auth: tuple[str, str] | None


@dataclass
class _Answer:
    status: int
    body: dict[str, Any] | None = None


@dataclass
class TwilioApiServer:
    """Plays Twilio's REST API on 127.0.0.1 and records every request it gets."""

    requests: list[RecordedRequest] = field(default_factory=list)
    _answers: deque[_Answer] = field(default_factory=deque)
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
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def answer(self, status: int, body: dict[str, Any] | None = None) -> None:
        """Queue the answer to the next request (default: 201 and a queued message)."""
        self._answers.append(_Answer(status, body))

    def answer_error(self, status: int, code: int, message: str) -> None:
        """Queue a Twilio error answer (`code` is Twilio's error code, e.g. 21211)."""
        self.answer(
            status,
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
        )

    def sms_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/Messages.json")]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode() if length else ""
        form = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        auth = None
        header = handler.headers.get("Authorization", "")
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            auth = (user, password)
        path = urlsplit(handler.path).path
        with self._lock:
            self.requests.append(
                RecordedRequest(handler.command, path, dict(handler.headers), form, auth)
            )
            answer = self._answers.popleft() if self._answers else _Answer(201)
        body = answer.body if answer.body is not None else self._message_resource(path, form)
        data = json.dumps(body).encode()
        handler.send_response(answer.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    @staticmethod
    def _message_resource(path: str, form: dict[str, str]) -> dict[str, Any]:
        account = path.split("/Accounts/")[-1].split("/")[0] if "/Accounts/" in path else ""
        return {
            "sid": "SM" + uuid.uuid4().hex,
            "account_sid": account,
            "to": form.get("To"),
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
        }

    def start(self) -> TwilioApiServer:
        self._thread = serve_in_thread(self._httpd)
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> TwilioApiServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def twilio_overrides(server: TwilioApiServer, **twilio: Any) -> dict[str, dict[str, Any]]:
    """Settings overrides (by section) aiming the real Twilio client at `server`."""
    return {
        "twilio": {
            "provider": "twilio",
            "api_base_url": server.url,
            "messaging_service_sid": "MG00000000000000000000000000000000",
            **twilio,
        }
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Recorder:
    def __init__(self, sink: list[tuple[Envelope, EmailMessage]]) -> None:
        self.sink = sink

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.sink.append((envelope, message))
        return "250 OK"


class SmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1; `messages` are what it received."""

    def __init__(self) -> None:
        self.received: list[tuple[Envelope, EmailMessage]] = []
        self.port = _free_port()
        self.host = "127.0.0.1"
        self._controller = Controller(_Recorder(self.received), hostname=self.host, port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return [message for _, message in self.received]

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._controller.stop()


def smtp_overrides(server: SmtpServer, **email: Any) -> dict[str, dict[str, Any]]:
    """Settings overrides (by section) sending e-mail to `server`."""
    return {"email": {"backend": "smtp", "host": server.host, "port": server.port, **email}}

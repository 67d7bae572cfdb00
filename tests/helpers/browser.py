"""The app on a real port for the browser tests, and what they share: a free port, logging
in through the form, the server itself (stopped once its open requests have ended), a
screenshot kept when DESK_SCREENSHOT_DIR is set."""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from desk.base.config import Settings
from desk.base.db import Database
from desk.base.events import HUB
from desk.web.live import stop_streams
from tests.helpers.local_servers import serve_in_thread

PASSWORD = "permanence"
# How long one browser step (a click, a page, a push) may take before the test fails.
# They take well under a second; a loaded 2-core machine running the suite on two
# processes has taken more than 5 s.
STEP_TIMEOUT_MS = 15_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    app: Flask
    settings: Settings
    db: Database

    def __call__(self, path: str) -> str:
        return f"{self.url}{path}"


class InFlight:
    """WSGI middleware counting the requests whose responses are not finished yet (a
    live-call stream is one until it ends), so a server is stopped once they are."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.count = 0
        self.changed = threading.Condition()
        # The responses not closed yet, by the server thread that serves them.
        self._open: dict[int, list[_Closing]] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        with self.changed:
            self.count += 1
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._done(None)
            raise
        closing = _Closing(body, self._done)
        with self.changed:
            self._open.setdefault(threading.get_ident(), []).append(closing)
        return closing

    def _done(self, closing: _Closing | None) -> None:
        with self.changed:
            self.count -= 1
            if closing is not None:
                mine = self._open.get(closing.thread, [])
                if closing in mine:
                    mine.remove(closing)
            self.changed.notify_all()

    def close_left_open(self) -> None:
        """Close what this server thread left open: werkzeug closes a response after
        draining its socket, and skips `close()` when that read fails (a browser
        context closed mid-stream resets its connection). Called as the thread ends."""
        with self.changed:
            left = self._open.pop(threading.get_ident(), [])
        for closing in left:
            closing.close()

    def wait_idle(self, seconds: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count == 0, timeout=seconds)


class _Closing:
    """A response body that says when the server has closed it (PEP 3333)."""

    def __init__(self, body: Iterable[bytes], done: Callable[[_Closing], None]) -> None:
        self.body = body
        self.done = done
        self.thread = threading.get_ident()
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.done(self)


@contextmanager
def serving(app: Flask, port: int) -> Iterator[None]:
    """`app` on 127.0.0.1:`port` in a thread; stopped, with its engine, on the way out."""
    in_flight = InFlight(app)
    server: BaseWSGIServer = make_server("127.0.0.1", port, in_flight, threaded=True)
    serve_connection = server.process_request_thread  # type: ignore[attr-defined]

    def process_request_thread(request: Any, client_address: Any) -> None:
        try:
            serve_connection(request, client_address)
        finally:
            in_flight.close_left_open()

    server.process_request_thread = process_request_thread  # type: ignore[attr-defined]
    thread = serve_in_thread(server, name="live-server")
    try:
        yield
    finally:
        # Open live-call streams poll the database until told to stop: stop them, and
        # wait for the responses to end before the engine goes, or one opens a
        # connection nobody closes. At most 2 s: werkzeug closes a response only once
        # it has drained its socket, which a browser context still open can hold.
        stop_streams(app).set()
        HUB.wake()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        in_flight.wait_idle(2)
        app.extensions["desk.db"].dispose()


def log_in(page: Any, email: str, password: str = PASSWORD) -> None:
    """Log in through the form, as a person would."""
    page.goto("/desk/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/desk/(?!login)"))


def shot(page: Any, name: str) -> None:
    """A full-page screenshot `name`.png in DESK_SCREENSHOT_DIR, when it is set."""
    folder = os.environ.get("DESK_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

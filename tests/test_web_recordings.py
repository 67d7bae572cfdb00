"""Recordings play through the desk: fetched from Twilio with the account's credentials,
never shown to the browser; only to those who may see the call."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from desk.app import create_app
from desk.base.config import load_settings
from desk.base.db import Database
from desk.models import Call
from tests.conftest import AuthActions, test_overrides
from tests.helpers.local_servers import serve_in_thread
from tests.helpers.web import LOGINS, demo_call, other_tenant

SID, TOKEN = "AC0123456789abcdef0123456789abcdef", "secret-token"
AUDIO = b"ID3" + bytes(range(256)) * 600  # ~150 kB: several chunks
TWILIO_PATH = f"/2010-04-01/Accounts/{SID}/Recordings/RE0001"


class FakeTwilio:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.seen.append((self.path, self.headers.get("Authorization", "")))
                expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "audio/mpeg")
                self.send_header("Content-Length", str(len(AUDIO)))
                self.end_headers()
                self.wfile.write(AUDIO)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        serve_in_thread(self.httpd)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    yield fake
    fake.httpd.shutdown()
    fake.httpd.server_close()


def _app(db: Database, tmp_path: Path, twilio: FakeTwilio, cache: bool) -> Flask:
    overrides = test_overrides(db.url, tmp_path / "instance")
    overrides["twilio"].update(
        account_sid=SID, auth_token=TOKEN, api_base_url=twilio.url, cache_recordings=cache
    )
    settings = load_settings(environ={"DESK_CONFIG": str(tmp_path / "x.toml")}, overrides=overrides)
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


def _call_with_recording(db: Database) -> int:
    call_id = demo_call(db, sid="CA-rec", at=datetime(2026, 3, 2, 11, tzinfo=UTC))
    with db.session() as s:
        call = s.get(Call, call_id)
        assert call is not None
        call.recording_url = f"https://api.twilio.com{TWILIO_PATH}"
    return call_id


@pytest.mark.parametrize("cache", [False, True])
def test_a_recording_streams_through_the_desk_with_the_account_credentials(
    db: Database, demo: str, tmp_path: Path, twilio: FakeTwilio, cache: bool
) -> None:
    app = _app(db, tmp_path, twilio, cache)
    call_id = _call_with_recording(db)
    client = app.test_client()
    AuthActions(client).login(LOGINS["secretary"])
    page = client.get("/desk/calls/").get_data(as_text=True)
    assert f'src="/desk/recordings/call/{call_id}"' in page and "api.twilio.com" not in page
    for _ in range(2):
        response = client.get(f"/desk/recordings/call/{call_id}")
        assert response.status_code == 200 and response.mimetype == "audio/mpeg"
        assert response.get_data() == AUDIO
    assert [path for path, _ in twilio.seen] == [f"{TWILIO_PATH}.mp3"] * (1 if cache else 2)
    app.extensions["desk.db"].dispose()


def test_another_clients_recording_is_not_found(
    db: Database, demo: str, tmp_path: Path, twilio: FakeTwilio
) -> None:
    app = _app(db, tmp_path, twilio, False)
    other = other_tenant(db)
    call_id = _call_with_recording(db)
    with db.session() as s:
        call = s.get(Call, call_id)
        assert call is not None
        call.client_id = other
    client = app.test_client()
    AuthActions(client).login(LOGINS["secretary"])
    assert client.get(f"/desk/recordings/call/{call_id}").status_code == 404
    assert twilio.seen == []
    app.extensions["desk.db"].dispose()

"""Every page carries the security headers; tokens never reach the access log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from desk.app import create_app
from desk.base.config import load_settings
from desk.web.security import RedactTokens, redact
from tests.conftest import test_overrides
from tests.helpers.html import parse


@pytest.mark.parametrize(
    "path", ["/desk/login", "/healthz", "/api/v1/openapi.json", "/c/unknown", "/feeds/x.ics"]
)
def test_every_answer_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    # The test app's public URL is https: HSTS is on.
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_hsts_when_served_over_plain_http(tmp_path: Path) -> None:
    settings = load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
        overrides=test_overrides(
            f"sqlite:///{tmp_path / 'x.db'}",
            tmp_path / "i",
            server={"public_base_url": "http://127.0.0.1:5000"},
        ),
    )
    response = create_app(settings).test_client().get("/healthz")
    assert "Strict-Transport-Security" not in response.headers


def test_the_inline_script_carries_the_pages_nonce(client: FlaskClient, own: int) -> None:
    from tests.conftest import AuthActions

    AuthActions(client).login("admin@permanence.test")
    response = client.get(f"/desk/clients/{own}")
    nonce = parse(response).xpath("//script/@nonce")[0]
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]


def test_feed_and_cancel_tokens_are_redacted_from_access_logs() -> None:
    line = '127.0.0.1 - - "GET /feeds/SECRETTOKEN.ics HTTP/1.1" 200 "POST /c/CANCELTOKEN"'
    assert "SECRETTOKEN" not in redact(line) and "CANCELTOKEN" not in redact(line)
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, "", 0, "%(r)s", ({"r": "GET /c/CANCELTOKEN"},), None
    )
    RedactTokens().filter(record)
    assert "CANCELTOKEN" not in record.getMessage()

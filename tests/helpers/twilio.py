"""Helpers for webhook tests: Twilio's fixtures, signed the way Twilio signs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator

from tests.conftest import PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(name: str, **changes: str) -> dict[str, str]:
    """A Twilio webhook form from `tests/fixtures/twilio/<name>.json`, with changes."""
    data: dict[str, str] = json.loads((FIXTURES / "twilio" / f"{name}.json").read_text())
    data.update(changes)
    return data


def sign(path: str, params: dict[str, str], token: str = TWILIO_AUTH_TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(f"{PUBLIC_BASE_URL}{path}", params))


def signed_post(client: FlaskClient, path: str, params: dict[str, str], **kwargs: Any) -> Any:
    """POST `params` form-encoded to `path` with a valid X-Twilio-Signature."""
    headers = {"X-Twilio-Signature": sign(path, params), **kwargs.pop("headers", {})}
    return client.post(path, data=params, headers=headers, **kwargs)

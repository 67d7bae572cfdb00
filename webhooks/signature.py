"""Every Twilio webhook is signed: one decorator checks `X-Twilio-Signature`.

The URL Twilio signed is the public one (`server.public_base_url` + path + query), not
what Flask sees behind a TLS-terminating proxy, so it is rebuilt from the setting.
There is deliberately no switch to turn the check off.
"""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, request
from twilio.request_validator import RequestValidator

from desk.request_context import settings

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


def public_url() -> str:
    """The URL of this request as Twilio sees it."""
    base = settings()["server.public_base_url"]
    query = request.query_string.decode()
    return f"{base}{request.path}" + (f"?{query}" if query else "")


def _valid(url: str, signature: str) -> bool:
    """Twilio's own check. `validate` signs the URL twice (with and without a port: the
    signature's generation varies); the URL as Twilio was given it is tried first, and
    `validate` decides only when that does not match (one HMAC per webhook, not two)."""
    validator = RequestValidator(settings()["twilio.auth_token"])
    as_given = validator.compute_signature(url, request.form)
    if hmac.compare_digest(as_given.encode(), signature.encode()):
        return True
    return bool(validator.validate(url, request.form, signature))


def twilio_signed(view: F) -> F:
    """Refuse (403) a request whose Twilio signature is missing or wrong."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not _valid(public_url(), signature):
            log.warning(
                "refused unsigned or forged webhook %s (CallSid=%s MessageSid=%s)",
                request.path,
                request.form.get("CallSid"),
                request.form.get("MessageSid"),
            )
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]

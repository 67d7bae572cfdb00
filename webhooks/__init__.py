"""Twilio's inbound HTTP: signature check, form parsing, TwiML, idempotency."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

from webhooks import sms, voice, voice_queue  # noqa: E402,F401  (routes register on import)

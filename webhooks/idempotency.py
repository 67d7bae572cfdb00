"""Twilio retries a webhook it thinks failed: the retry gets the first answer, replayed.

The key is Twilio's `I-Twilio-Idempotency-Token` when it sends one, else the path (with
its query) and the parameters that identify the event. The receipt is written in the
same transaction as the webhook's own changes, so either both exist or neither does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from desk.base.db import connection_of
from desk.models import WebhookReceipt
from desk.request_context import now

TOKEN_HEADER = "I-Twilio-Idempotency-Token"
_MAX_KEY = 200


def receipt_key(
    path: str, form: Mapping[str, str], token: str | None, params: Iterable[str]
) -> str:
    raw = f"{path}#{token}" if token else path + "#" + "|".join(form.get(p, "") for p in params)
    if len(raw) <= _MAX_KEY:
        return raw
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()


# Every webhook does both: Core statements built once, on the session's connection.
_RESPONSE = select(WebhookReceipt.response).where(WebhookReceipt.key == bindparam("key"))
_INSERT = insert(WebhookReceipt)


def replay(session: Session, key: str) -> str | None:
    response = session.connection().execute(_RESPONSE, {"key": key}).scalar()
    return None if response is None else str(response)


def remember(session: Session, key: str, response: str) -> None:
    """Keep `response` under `key` (unique: a concurrent twin raises IntegrityError here)."""
    params = {"key": key, "response": response, "created_at": now()}
    connection_of(session).execute(_INSERT, params)

"""Twilio retries a webhook it thinks failed: the retry gets the first answer, replayed.

The key is Twilio's `I-Twilio-Idempotency-Token` when it sends one, else the path (with
its query) and the parameters that identify the event. The receipt is written in the
same transaction as the webhook's own changes, so either both exist or neither does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from desk.db import connection_of
from desk.models import WebhookReceipt

TOKEN_HEADER = "I-Twilio-Idempotency-Token"
_MAX_KEY = 200


def receipt_key(
    path: str, form: Mapping[str, str], token: str | None, params: Iterable[str]
) -> str:
    raw = f"{path}#{token}" if token else path + "#" + "|".join(form.get(p, "") for p in params)
    if len(raw) <= _MAX_KEY:
        return raw
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()


# Built once and run on the session's connection: every webhook does both.
_RESPONSE = select(WebhookReceipt.response).where(WebhookReceipt.key == bindparam("key"))
_INSERT = insert(cast(Table, WebhookReceipt.__table__))


def replay(session: Session, key: str) -> str | None:
    response: str | None = session.connection().execute(_RESPONSE, {"key": key}).scalar()
    return response


def remember(session: Session, key: str, response: str) -> None:
    """Keep `response` under `key` (unique: a concurrent twin raises IntegrityError here)."""
    connection_of(session).execute(_INSERT, {"key": key, "response": response})

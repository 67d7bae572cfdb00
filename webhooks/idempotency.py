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

from desk.base.db import connection_of, lock_for_writing
from desk.base.driver_sql import DriverStatement
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


# Every webhook does both: straight on the DBAPI cursor, compiled once per dialect.
_RESPONSE = DriverStatement(
    select(WebhookReceipt.response).where(WebhookReceipt.key == bindparam("key"))
)
_INSERT = DriverStatement(
    insert(cast(Table, WebhookReceipt.__table__)).values(
        key=bindparam("key"), response=bindparam("response"), created_at=bindparam("created_at")
    )
)


def replay(session: Session, key: str) -> str | None:
    row = _RESPONSE.first(session.connection(), {"key": key})
    return None if row is None else str(row[0])


def remember(session: Session, key: str, response: str) -> None:
    """Keep `response` under `key` (unique: a concurrent twin raises IntegrityError here)."""
    params = {"key": key, "response": response, "created_at": now()}
    conn = connection_of(session)
    lock_for_writing(conn)
    _INSERT.run(conn, params)

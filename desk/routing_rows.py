"""The statements of a call's first webhook, on plain rows instead of ORM entities.

`incoming` runs on every call, so its statements are built once (bound parameters, so
SQLAlchemy's compiled cache serves every call) and run on the session's connection:
loading entities and flushing a unit of work cost more than the queries themselves.
Later webhooks (screen, dial-result, status) keep the ORM; they are rarer and edit rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select
from sqlalchemy.orm import Session

from desk.models import Call, CallAttempt, Client, DeskNumber
from desk.phone import InvalidPhoneNumber, normalise


@dataclass(frozen=True)
class CallClient:
    """What routing a call needs to know of its client (a `RotaClient`/`CoverageClient`)."""

    id: int
    name: str
    timezone: str
    locale: str
    greeting: str
    after_hours_mode: str
    after_hours_message: str
    holiday_policy: str
    holiday_country: str
    ring_pair_together: bool


_CLIENT_BY_NUMBER = (
    select(
        Client.id,
        Client.name,
        Client.timezone,
        Client.locale,
        Client.greeting,
        Client.after_hours_mode,
        Client.after_hours_message,
        Client.holiday_policy,
        Client.holiday_country,
        Client.ring_pair_together,
    )
    .join(DeskNumber, DeskNumber.client_id == Client.id)
    .where(DeskNumber.number == bindparam("number"), Client.active.is_(True))
)
_CALL_ID_BY_SID = select(Call.id).where(Call.call_sid == bindparam("sid"))
_INSERT_CALL = insert(cast(Table, Call.__table__))
_INSERT_ATTEMPT = insert(cast(Table, CallAttempt.__table__))


def connection(session: Session) -> Connection:
    """The session's connection in its transaction, pending ORM changes flushed first."""
    session.flush()
    return session.connection()


def call_id(conn: Connection, call_sid: str) -> int | None:
    found: int | None = conn.execute(_CALL_ID_BY_SID, {"sid": call_sid}).scalar()
    return found


def client_by_number(conn: Connection, to: str) -> CallClient | None:
    # Twilio sends E.164 already: look it up as is, and parse only what is not found.
    row = conn.execute(_CLIENT_BY_NUMBER, {"number": to}).first()
    if row is None:
        try:
            number = normalise(to)
        except InvalidPhoneNumber:
            return None
        if number == to:
            return None
        row = conn.execute(_CLIENT_BY_NUMBER, {"number": number}).first()
        if row is None:
            return None
    return CallClient(**row._mapping)


def insert_call(
    conn: Connection,
    *,
    call_sid: str,
    client_id: int | None,
    to: str,
    caller: str,
    forwarded_from: str | None,
    at: datetime,
    outcome: str,
    plan: list[Any],
) -> int:
    """One Call row (the CallSid is unique: a concurrent twin fails here); its id."""
    result = conn.execute(
        _INSERT_CALL,
        {
            "call_sid": call_sid,
            "client_id": client_id,
            "to_number": to[:32],
            "caller": (caller or "anonymous")[:32],
            "forwarded_from": forwarded_from or None,
            "started_at": at,
            "outcome": outcome,
            "plan": plan,
        },
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def insert_attempts(
    conn: Connection, call_id: int, position: int, numbers: dict[int, str], at: datetime
) -> None:
    """One CallAttempt per secretary rung at step `position` (`numbers`: id -> phone)."""
    conn.execute(
        _INSERT_ATTEMPT,
        [
            {
                "call_id": call_id,
                "position": position,
                "secretary_id": secretary_id,
                "number": number,
                "started_at": at,
                "outcome": "ringing",
            }
            for secretary_id, number in numbers.items()
        ],
    )

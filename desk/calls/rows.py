"""The statements of a call's first webhook, on plain rows instead of ORM entities.

`incoming` runs on every call, so its statements are built once (bound parameters, so
SQLAlchemy's compiled cache serves every call) and run on the session's connection:
loading entities and flushing a unit of work cost more than the queries themselves.
Later webhooks (screen, dial-result, status) keep the ORM; they are rarer and edit rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, bindparam, insert, select

from desk.base.db import lock_for_writing
from desk.base.driver_sql import DriverStatement
from desk.base.phone import InvalidPhoneNumber, normalise
from desk.models import Call, CallAttempt, Client, Closure, CoverageWindow, DeskNumber
from desk.models.states import AttemptOutcome
from desk.rota.coverage import CoverageRules


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


_CLIENT_COLUMNS = (
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
_WINDOW_COLUMNS = (
    CoverageWindow.weekdays,
    CoverageWindow.start_local,
    CoverageWindow.end_local,
    CoverageWindow.valid_from,
    CoverageWindow.valid_until,
)
# The client, its coverage windows and its practice closures near the day (and the id
# of a Call with this CallSid, if any) in one statement: a row per (window, closure)
# pair; a client has a handful of windows and rarely a closure. Outer joins, so a
# client with neither still comes back.
_CALL_ID_BY_SID = select(Call.id).where(Call.call_sid == bindparam("sid"))
_CLIENT_BY_NUMBER = (
    select(
        *_CLIENT_COLUMNS,
        *_WINDOW_COLUMNS,
        Closure.starts_on,
        Closure.ends_on,
        # Is this CallSid known already (a repeated first webhook)? Asked in passing.
        _CALL_ID_BY_SID.scalar_subquery().label("known_call_id"),
    )
    .select_from(DeskNumber)
    .join(Client, DeskNumber.client_id == Client.id)
    .outerjoin(CoverageWindow, CoverageWindow.client_id == Client.id)
    .outerjoin(
        Closure,
        and_(
            Closure.client_id == Client.id,
            Closure.practitioner_id.is_(None),
            Closure.starts_on <= bindparam("last_day"),
            Closure.ends_on >= bindparam("first_day"),
        ),
    )
    .where(DeskNumber.number == bindparam("number"), Client.active.is_(True))
)
_CALL_COLUMNS: tuple[str, ...] = ("call_sid", "client_id", "to_number", "caller")
_CALL_COLUMNS += ("forwarded_from", "started_at", "outcome", "plan")
_ATTEMPT_COLUMNS = ("call_id", "position", "secretary_id", "number", "started_at", "outcome")


def _insert(table: Any, columns: Sequence[str]) -> Any:
    # Every column named (no Python-side defaults: the cursor would not apply them).
    return insert(cast(Table, table)).values({name: bindparam(name) for name in columns})


# Straight on the DBAPI cursor, compiled once per dialect (`desk.driver_sql`).
_CLIENT_BY_NUMBER_SQL = DriverStatement(_CLIENT_BY_NUMBER)
_CALL_ID_BY_SID_SQL = DriverStatement(_CALL_ID_BY_SID)
_INSERT_CALL = DriverStatement(_insert(Call.__table__, _CALL_COLUMNS).returning(Call.id))
_INSERT_ATTEMPT = DriverStatement(_insert(CallAttempt.__table__, _ATTEMPT_COLUMNS))
_CLIENT_WIDTH, _WINDOW_WIDTH = len(_CLIENT_COLUMNS), len(_WINDOW_COLUMNS)


def call_id(conn: Connection, call_sid: str) -> int | None:
    row = _CALL_ID_BY_SID_SQL.first(conn, {"sid": call_sid})
    return None if row is None else int(row[0])


@dataclass(frozen=True)
class Lookup:
    """What the first webhook of a call finds: a Call with its CallSid, or its client."""

    call_id: int | None
    client: CallClient | None = None
    rules: CoverageRules | None = None


def lookup(conn: Connection, call_sid: str, to: str, at: datetime) -> Lookup:
    """A Call with `call_sid`, else the active client on desk number `to` and its coverage
    rules near `at` (client None: nobody answers on that number)."""
    # Whatever the client's time zone, its local days around `at` lie within two days
    # of the UTC date; closures outside them are loaded for nothing, never missed.
    day = at.astimezone(UTC).date()
    params = {
        "sid": call_sid,
        "first_day": day - timedelta(days=2),
        "last_day": day + timedelta(days=2),
    }
    # Twilio sends E.164 already: look it up as is, and parse only what is not found.
    rows: Sequence[Any] = _CLIENT_BY_NUMBER_SQL.all(conn, {"number": to, **params})
    if not rows:
        try:
            number = normalise(to)
        except InvalidPhoneNumber:
            number = to
        if number != to:
            rows = _CLIENT_BY_NUMBER_SQL.all(conn, {"number": number, **params})
        if not rows:
            return Lookup(call_id(conn, call_sid))
    if rows[0].known_call_id is not None:
        return Lookup(rows[0].known_call_id)
    client = CallClient(*rows[0][:_CLIENT_WIDTH])
    end = _CLIENT_WIDTH + _WINDOW_WIDTH
    windows = {tuple(row[_CLIENT_WIDTH:end]) for row in rows if row.weekdays is not None}
    closures = {(row.starts_on, row.ends_on) for row in rows if row.starts_on is not None}
    return Lookup(None, client, CoverageRules.of(client, windows, closures))


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
    """One Call row (the CallSid is unique: a concurrent twin fails here); its id.

    The call's first write: takes SQLite's write lock if the reads ran without it."""
    lock_for_writing(conn)
    row = _INSERT_CALL.first(
        conn,
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
    assert row is not None
    return int(row[0])


def insert_attempts(
    conn: Connection, call_id: int, position: int, numbers: dict[int, str], at: datetime
) -> None:
    """One CallAttempt per secretary rung at step `position` (`numbers`: id -> phone)."""
    _INSERT_ATTEMPT.many(
        conn,
        [
            {
                "call_id": call_id,
                "position": position,
                "secretary_id": secretary_id,
                "number": number,
                "started_at": at,
                "outcome": AttemptOutcome.RINGING,
            }
            for secretary_id, number in numbers.items()
        ],
    )

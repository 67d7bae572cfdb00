"""The statements of a call's first webhook: few, indexed, built once.

`incoming` runs on every call, so its statements are module-level constants with bound
parameters (SQLAlchemy's compiled cache then serves every call without compiling again)
and as few as the decision allows: the client with its coverage (and the CallSid's
Call, if any, and the rota version) in one statement, the rota in another
(`desk.rota.load.ROTA`) unless this process keeps it for the day (`day_rotas`), then the
inserts, all Core statements on the session's connection. Loading ORM entities and
flushing a unit of work cost more than the queries themselves, and nothing here edits a
row later in the request. The client comes back as a detached `Client` holding only the
columns routing reads (`_client`). Later webhooks (screen, dial-result, status) use the
ORM throughout; they edit rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Integer, String, and_, bindparam, func, insert, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import make_transient_to_detached

from desk.base.driver import prepared
from desk.base.phone import InvalidPhoneNumber, normalise
from desk.calls import day_numbers
from desk.models import (
    Call,
    CallAttempt,
    Client,
    Closure,
    CoverageWindow,
    DeskNumber,
    RotaVersion,
)
from desk.models.states import AttemptOutcome
from desk.rota.coverage import CoverageRules

log = logging.getLogger(__name__)

_CALL_ID_BY_SID = select(Call.id).where(Call.call_sid == bindparam("sid"))
# What routing reads of a client (`desk.rota`, the greeting, the after-hours message).
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
    Client.coverage_suspended,
)
# The client, its coverage windows and its practice closures near the day (and the id
# of a Call with this CallSid, if any) in one statement: a row per (window, closure)
# pair; a client has a handful of windows and rarely a closure. Outer joins, so a
# client with neither still comes back.
_CLIENT_BY_NUMBER = (
    select(
        *_CLIENT_COLUMNS,
        CoverageWindow.weekdays,
        CoverageWindow.start_local,
        CoverageWindow.end_local,
        CoverageWindow.valid_from,
        CoverageWindow.valid_until,
        Closure.starts_on,
        Closure.ends_on,
        # Is this CallSid known already (a repeated first webhook)? Asked in passing.
        _CALL_ID_BY_SID.scalar_subquery().label("known_call_id"),
        # Whether a rota kept by this process is still current (desk/calls/day_rotas.py).
        select(RotaVersion.version).where(RotaVersion.id == 1).scalar_subquery().label("rota"),
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
_INSERT_CALL = insert(Call).returning(Call.id)
_INSERT_ATTEMPT = insert(CallAttempt)
_ATTEMPT_FIELDS = ("call_id", "position", "secretary_id", "number", "started_at", "outcome")
# Its columns named, for the driver (`Prepared`: a statement compiled without values).
_INSERT_ATTEMPT_ROW = _INSERT_ATTEMPT.values({name: bindparam(name) for name in _ATTEMPT_FIELDS})


def call_id(conn: Connection, call_sid: str) -> int | None:
    return conn.execute(_CALL_ID_BY_SID, {"sid": call_sid}).scalar()


@dataclass(frozen=True)
class Lookup:
    """What the first webhook of a call finds: a Call with its CallSid, or its client."""

    call_id: int | None
    client: Client | None = None
    rules: CoverageRules | None = None
    rota_version: int | None = None


def _client(row: Any) -> Client:
    """A detached Client of the columns `_CLIENT_COLUMNS` read: a snapshot, never added to
    the session (reading another column raises DetachedInstanceError; merge it in first)."""
    client = Client(**{column.key: row[i] for i, column in enumerate(_CLIENT_COLUMNS)})
    make_transient_to_detached(client)
    return client


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
    rows = conn.execute(_CLIENT_BY_NUMBER, {"number": to, **params}).all()
    if not rows:
        try:
            number = normalise(to)
        except InvalidPhoneNumber:
            number = to
        if number != to:
            rows = conn.execute(_CLIENT_BY_NUMBER, {"number": number, **params}).all()
        if not rows:
            return Lookup(call_id(conn, call_sid))
    if rows[0].known_call_id is not None:
        return Lookup(rows[0].known_call_id)
    client = _client(rows[0])
    windows = {
        (row.weekdays, row.start_local, row.end_local, row.valid_from, row.valid_until)
        for row in rows
        if row.weekdays is not None
    }
    closures = {(row.starts_on, row.ends_on) for row in rows if row.starts_on is not None}
    rules = CoverageRules.of(client, windows, closures)
    if rows[0].rota is not None:  # read in the same statement: what it found is that version's
        found = day_numbers.NumberDay.of(client, rules, at)
        day_numbers.keep(conn.engine, to, at, rows[0].rota, found)
    return Lookup(None, client, rules, rows[0].rota)


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
    simulated: bool = False,
) -> int:
    """One Call row (the CallSid is unique: a concurrent twin fails here); its id.

    The call's first write: on SQLite it takes the write lock if the reads ran without
    it (`desk.base.db.begin_read_first`)."""
    params = _call_params(call_sid, client_id, to, caller, forwarded_from, at, outcome, plan)
    params["simulated"] = simulated
    return int(conn.execute(_INSERT_CALL, params).scalar_one())


def _call_params(
    call_sid: str,
    client_id: int | None,
    to: str,
    caller: str,
    forwarded_from: str | None,
    at: datetime,
    outcome: str,
    plan: list[Any],
) -> dict[str, Any]:
    return {
        "call_sid": _text(call_sid),
        "client_id": client_id,
        "to_number": _text(to)[:32],
        "caller": _text(caller or "anonymous")[:32],
        "forwarded_from": _text(forwarded_from or "") or None,
        "started_at": at,
        "outcome": outcome,
        "plan": plan,
    }


def _text(value: str) -> str:
    """`value` without NUL characters, which PostgreSQL refuses in text (and no number
    holds): the call is recorded, not lost to a database error."""
    if "\x00" not in value:
        return value
    log.warning("NUL characters removed from a call's field: %r", value)
    return value.replace("\x00", "")


def insert_attempts(
    conn: Connection, call_id: int, position: int, numbers: dict[int, str], at: datetime
) -> None:
    """One CallAttempt per secretary rung at step `position` (`numbers`: id -> phone)."""
    conn.execute(_INSERT_ATTEMPT, _attempt_rows(call_id, position, numbers, at))


def _attempt_rows(
    call_id: int, position: int, numbers: dict[int, str], at: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "call_id": call_id,
            "position": position,
            "secretary_id": secretary_id,
            "number": number,
            "started_at": at,
            "outcome": AttemptOutcome.RINGING,
        }
        for secretary_id, number in numbers.items()
    ]


# A new call decided from what the process keeps (`day_numbers`, `day_rotas`) is written
# only if the routing version it was kept at still stands: the check is the insert's own
# WHERE, so it costs no statement. No row back: something changed, decide again.
_CALL_FIELDS = (
    "call_sid",
    "client_id",
    "to_number",
    "caller",
    "forwarded_from",
    "started_at",
    "outcome",
    "plan",
    "simulated",
)
_VERSION_STANDS = select(RotaVersion.version).where(
    RotaVersion.id == 1
).scalar_subquery() == bindparam("version")


def _field(table: Any, name: str) -> Any:
    # Typed, so that PostgreSQL's driver casts each parameter of the SELECT list to its
    # column's type (a bare one would be text, and text is not JSON).
    return bindparam(name, type_=table.c[name].type)


def _kept_call() -> Any:
    fields = (_field(Call.__table__, name) for name in _CALL_FIELDS)
    return insert(Call).from_select(_CALL_FIELDS, select(*fields).where(_VERSION_STANDS))


_INSERT_KEPT_CALL = _kept_call().returning(Call.id)


def _kept_call_with_attempts() -> Any:
    """PostgreSQL: the Call and its attempts in one statement (a data-modifying CTE), so a
    call is one round trip, committed alone (`desk.base.db.one_statement`)."""
    new_call = _INSERT_KEPT_CALL.cte("new_call")
    ringing = (
        func.unnest(
            bindparam("secretary_ids", type_=ARRAY(Integer)),
            bindparam("numbers", type_=ARRAY(String)),
        )
        .table_valued("secretary_id", "number")
        .render_derived("ringing")
    )
    attempts = CallAttempt.__table__
    rows = select(
        new_call.c.id,
        _field(attempts, "position"),
        ringing.c.secretary_id,
        ringing.c.number,
        _field(attempts, "started_at"),
        bindparam("attempt_outcome", type_=String),
    ).select_from(new_call.join(ringing, true()))
    return (
        insert(CallAttempt)
        .from_select(_ATTEMPT_FIELDS, rows)
        .add_cte(new_call)
        .returning(CallAttempt.call_id)
    )


_INSERT_KEPT_CALL_WITH_ATTEMPTS = _kept_call_with_attempts()


def insert_kept_call(
    conn: Connection,
    *,
    version: int,
    call_sid: str,
    client_id: int,
    to: str,
    caller: str,
    forwarded_from: str | None,
    at: datetime,
    outcome: str,
    plan: list[Any],
    position: int,
    ringing: dict[int, str],
    simulated: bool = False,
) -> int | None:
    """The Call and the attempts of its first step (`ringing`: id -> phone) if `version`
    still stands: the Call's id, else None and nothing written. On PostgreSQL one
    statement; on SQLite two, in the caller's transaction."""
    params = _call_params(call_sid, client_id, to, caller, forwarded_from, at, outcome, plan)
    params["version"] = version
    params["simulated"] = simulated
    # Both run on the driver's cursor (`desk.base.driver`), a third of SQLAlchemy's
    # execution: on SQLite inside the write lock every worker waits for.
    if ringing and conn.dialect.name == "postgresql":
        attempts = {
            "position": position,
            "secretary_ids": list(ringing),
            "numbers": list(ringing.values()),
            "attempt_outcome": AttemptOutcome.RINGING,
        }
        statement = prepared(_INSERT_KEPT_CALL_WITH_ATTEMPTS, conn.dialect)
        row = statement.execute(conn, params | attempts).fetchone()
        return None if row is None else int(row[0])
    row = prepared(_INSERT_KEPT_CALL, conn.dialect).execute(conn, params).fetchone()
    if row is None:
        return None
    if ringing:
        attempts_row = prepared(_INSERT_ATTEMPT_ROW, conn.dialect)
        attempts_row.executemany(conn, _attempt_rows(row[0], position, ringing, at))
    return int(row[0])

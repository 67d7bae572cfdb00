"""A new call's inserts on the driver's cursor write what SQLAlchemy's execution would.

`desk.base.driver.Prepared` converts values with the processors SQLAlchemy gives each
column's type: the parameters it hands the driver are those SQLAlchemy's own execution
hands it (any values, any time zone), the rows read back the same, and errors come as
SQLAlchemy's (a repeated CallSid is an IntegrityError, and nothing is left written).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import IntegrityError, InvalidRequestError

from desk.base.db import Database, short_write
from desk.base.driver import Prepared
from desk.calls import incoming
from desk.models import Call, CallAttempt, Client, RotaVersion, Secretary


@pytest.fixture
def seeded(db: Database) -> Database:
    """A client, three secretaries and call 1 (the attempts compared below are its)."""
    with db.session() as s:
        s.add(Client(slug="cabinet", name="Cabinet Exemple", timezone="Europe/Paris"))
        s.add_all(Secretary(name=f"S{i}", phone=f"+3361234567{i}") for i in range(3))
    with db.session() as s:
        first = datetime(2027, 1, 4, tzinfo=UTC)
        values = incoming._call_params("CA1", 1, "+331", "+332", None, first, "ringing", [])
        s.execute(insert(Call), values)
    return db


def _version(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(RotaVersion.version)).scalar_one())


def _plain(parameters: Any) -> Any:
    """Comparable: psycopg's JSON wrapper by what it wraps; SQLite's tuple as a list."""
    if isinstance(parameters, dict):
        return {k: getattr(v, "obj", v) for k, v in parameters.items()}
    return list(parameters)


def _sent(db: Database, statement: Any, values: dict[str, Any]) -> Any:
    """The parameters SQLAlchemy's own execution hands the driver (rolled back)."""
    seen: list[Any] = []

    def capture(_conn: object, _cursor: object, _sql: str, parameters: Any, *_: object) -> None:
        seen.append(_plain(parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.engine.connect() as conn:
            conn.execute(statement, values)
            conn.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return seen[0]


zones = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])
instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=zones
)
# No NUL: PostgreSQL refuses it in text, whoever sends it.
texts = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    at=instants,
    caller=texts,
    forwarded=st.none() | texts,
    plan=st.lists(st.lists(st.integers(1, 3), max_size=2), max_size=3),
)
def test_the_driver_gets_the_parameters_sqlalchemy_would_send(
    seeded: Database, at: datetime, caller: str, forwarded: str | None, plan: list[Any]
) -> None:
    values = incoming._call_params(
        "CAsame", 1, "+33100000001", caller, forwarded, at, "ringing", plan
    )
    values["version"] = 7
    call = Prepared(incoming._INSERT_KEPT_CALL, seeded.engine.dialect)
    assert _plain(call.parameters(values)) == _sent(seeded, incoming._INSERT_KEPT_CALL, values)
    row = incoming._attempt_rows(1, 0, {1: caller}, at)[0]
    attempt = Prepared(incoming._INSERT_ATTEMPT_ROW, seeded.engine.dialect)
    assert _plain(attempt.parameters(row)) == _sent(seeded, insert(CallAttempt), row)
    if seeded.dialect == "postgresql":  # the Call and its attempts in one statement
        both = values | {
            "position": 0,
            "secretary_ids": [1, 2],
            "numbers": [caller, "+33612345671"],
            "attempt_outcome": "ringing",
        }
        statement = incoming._INSERT_KEPT_CALL_WITH_ATTEMPTS
        one = Prepared(statement, seeded.engine.dialect)
        assert _plain(one.parameters(both)) == _sent(seeded, statement, both)


def _kept(
    db: Database,
    sid: str,
    at: datetime,
    version: int | None = None,
    ringing: dict[int, str] | None = None,
) -> int | None:
    with short_write(db.engine) as conn:
        return incoming.insert_kept_call(
            conn,
            version=_version(db) if version is None else version,
            call_sid=sid,
            client_id=1,
            to="+33100000001",
            caller="+33145678901",
            forwarded_from=None,
            at=at,
            outcome="ringing",
            plan=[[1, 2], [3]],
            position=0,
            ringing=ringing or {1: "+33612345670", 2: "+33612345671"},
        )


def _columns(row: Any, *skip: str) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip}


def test_a_kept_call_reads_back_as_one_written_through_sqlalchemy(seeded: Database) -> None:
    at = datetime(2027, 3, 28, 1, 30, tzinfo=timezone(timedelta(hours=1)))  # DST night
    driver_id = _kept(seeded, "CAdriver", at)
    assert driver_id is not None
    values = incoming._call_params(
        "CAorm", 1, "+33100000001", "+33145678901", None, at, "ringing", [[1, 2], [3]]
    )
    with seeded.session() as s:
        orm_id = s.execute(insert(Call).returning(Call.id), values).scalar_one()
        conn = s.connection()
        incoming.insert_attempts(conn, orm_id, 0, {1: "+33612345670", 2: "+33612345671"}, at)
    with seeded.session() as s:
        ours, theirs = s.get(Call, driver_id), s.get(Call, orm_id)
        assert ours is not None and theirs is not None
        assert _columns(ours, "id", "call_sid") == _columns(theirs, "id", "call_sid")
        assert ours.started_at == at and ours.started_at.tzinfo is not None
        assert ours.plan == [[1, 2], [3]]
        attempts = s.scalars(
            select(CallAttempt).where(CallAttempt.call_id.in_([driver_id, orm_id]))
        ).all()
        mine = sorted(
            (a.secretary_id, a.number, a.started_at) for a in attempts if a.call_id == driver_id
        )
        others = sorted(
            (a.secretary_id, a.number, a.started_at) for a in attempts if a.call_id == orm_id
        )
        assert mine == others and len(mine) == 2


def test_a_repeated_callsid_is_sqlalchemys_integrity_error_and_leaves_nothing(
    seeded: Database,
) -> None:
    at = datetime(2027, 1, 4, 11, tzinfo=UTC)
    assert _kept(seeded, "CAtwice", at) is not None
    with pytest.raises(IntegrityError):
        _kept(seeded, "CAtwice", at)
    with seeded.session() as s:
        twice = select(func.count()).select_from(Call).where(Call.call_sid == "CAtwice")
        assert s.scalar(twice) == 1
        assert (
            s.scalar(
                select(func.count())
                .select_from(CallAttempt)
                .join(Call)
                .where(Call.call_sid == "CAtwice")
            )
            == 2
        )


def test_a_stale_version_writes_nothing(seeded: Database) -> None:
    at = datetime(2027, 1, 4, 11, tzinfo=UTC)
    assert _kept(seeded, "CAstale", at, version=_version(seeded) - 1) is None
    with seeded.session() as s:
        assert s.scalar(select(Call.id).where(Call.call_sid == "CAstale")) is None


def test_a_missing_value_is_refused_before_the_driver(seeded: Database) -> None:
    call = Prepared(incoming._INSERT_KEPT_CALL, seeded.engine.dialect)
    with pytest.raises(InvalidRequestError):
        call.parameters({"call_sid": "CAx"})


def test_a_failed_attempt_insert_takes_its_call_with_it(seeded: Database) -> None:
    at = datetime(2027, 1, 4, 11, tzinfo=UTC)
    with pytest.raises(IntegrityError):  # no secretary 999: its attempt breaks a key
        _kept(seeded, "CAhalf", at, ringing={1: "+33612345670", 999: "+33699999999"})
    with seeded.session() as s:
        assert s.scalar(select(Call.id).where(Call.call_sid == "CAhalf")) is None
    assert _kept(seeded, "CAwhole", at) is not None  # the connection is usable again

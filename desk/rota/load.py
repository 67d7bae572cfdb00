"""A client's rota for a period in one statement: shifts, partners, overrides, absences.

Routing runs this on every call. Four queries (the last two fed with the ids the first
found, as expanding IN lists that SQLAlchemy re-renders on every call) cost far more in
Python than SQLite spends answering them, so they are one `UNION ALL`, built once with
bound parameters (SQLAlchemy's compiled cache serves every later call), whose
branches are told apart by `kind`. Every branch is bounded by the client through an
index (shifts and trainings by client id, overrides and absences by secretary id among
the client's people, found once in a CTE), never by the period alone; the person a row
names is joined once, outside the branches. Rows come back as `RotaRow`s.

Overrides and absences are those of everyone who works for the client (its shifts'
secretaries and the secretaries trained for it) and of the replacements: a superset of
the people on duty in the period, which the rota filters per secretary anyway.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    Integer,
    String,
    Time,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal_column,
    null,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.types import TypeEngine

from desk.models import Absence, Override, Presence, Secretary, Shift, Training
from desk.models.base import UTCDateTime
from desk.models.presence import free_condition

SHIFT, PARTNER, OVERRIDE, ABSENCE = 0, 1, 2, 3

# Every branch has these columns, in this order, with these types: the first branch's
# types decide how values are read back (dates and times are text on SQLite).
_COLUMNS: dict[str, TypeEngine[Any]] = {
    "kind": Integer(),
    "id": Integer(),  # shift id, override id
    "secretary_id": Integer(),  # on shift, partner, original of an override, absent
    "replacement_id": Integer(),
    "shift_id": Integer(),  # the shift an override is limited to
    "rank": Integer(),  # shift rank, partner's overflow rank
    "weekdays": String(),
    "rrule": String(),
    "start_local": Time(),
    "end_local": Time(),
    "valid_from": Date(),
    "valid_until": Date(),
    "ring_together": Boolean(),
    "name": String(),
    "phone": String(),
    "active": Boolean(),
    "starts_at": UTCDateTime(),
    "ends_at": UTCDateTime(),
}


class RotaRow(NamedTuple):
    """A row of `ROTA` (and of the many-clients loader, `desk.rota.boards`), read by name
    at a tuple's cost: a SQLAlchemy Row's attributes cost ten times an index each, and
    the rota reads about a hundred of them per call."""

    kind: int
    id: int | None = None
    secretary_id: int | None = None
    replacement_id: int | None = None
    shift_id: int | None = None
    rank: int | None = None
    weekdays: str | None = None
    rrule: str | None = None
    start_local: Any = None
    end_local: Any = None
    valid_from: Any = None
    valid_until: Any = None
    ring_together: bool | None = None
    name: str | None = None
    phone: str | None = None
    active: bool | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    # `ROTA_NOW` only: whether the person is free to be rung (None: no presence row yet).
    free: bool | None = None


assert RotaRow._fields[:-1] == tuple(_COLUMNS), "RotaRow and ROTA's columns differ"


# The person each row names (name, phone, active) is joined once, outside the branches:
# the shift's or partner's secretary, an override's replacement, nobody for an absence.
_PERSON = ("name", "phone", "active")


def _branch(kind: int, person: Any = None, **given: Any) -> Any:
    # The first branch's NULLs are typed: PostgreSQL matches a UNION's column types
    # branch by branch, and an untyped NULL takes the type already met. (The SQL stays
    # under psycopg's 4,096 characters, past which it parses the query on every call.)
    typed = kind == SHIFT
    columns: list[Any] = [literal_column(str(kind), Integer()).label("kind")]
    for name, type_ in list(_COLUMNS.items())[1:]:
        if name in _PERSON:
            continue
        value = given.pop(name, None)
        if value is None:
            value = cast(null(), type_) if typed else null()
        columns.append(value.label(name))
    assert not given, f"unknown rota columns {sorted(given)}"
    columns.append((null() if person is None else person).label("person_id"))
    return select(*columns)


_CLIENT: BindParameter[int] = bindparam("client_id")
_START: BindParameter[datetime] = bindparam("start")
_END: BindParameter[datetime] = bindparam("end")
# Everyone who works for the client: its shifts' secretaries and those trained for it
# (who hold its client-less shifts and its overflow); computed once (a CTE).
_TRAINED = select(Training.secretary_id).where(Training.client_id == _CLIENT)
_PEOPLE = union(select(Shift.secretary_id).where(Shift.client_id == _CLIENT), _TRAINED).cte(
    "people"
)
_OF_PEOPLE = select(_PEOPLE.c.secretary_id)
_OVERRIDES_OF_PEOPLE = and_(
    Override.original_secretary_id.in_(_OF_PEOPLE),
    or_(Override.client_id.is_(None), Override.client_id == _CLIENT),
    Override.starts_at < _END,
    Override.ends_at > _START,
)

_BRANCHES = union_all(
    _branch(
        SHIFT,
        person=Shift.secretary_id,
        id=Shift.id,
        secretary_id=Shift.secretary_id,
        rank=Shift.rank,
        weekdays=Shift.weekdays,
        rrule=Shift.rrule,
        start_local=Shift.start_local,
        end_local=Shift.end_local,
        valid_from=Shift.valid_from,
        valid_until=Shift.valid_until,
        ring_together=Shift.ring_together,
    ).where(
        or_(
            Shift.client_id == _CLIENT,
            and_(Shift.client_id.is_(None), Shift.secretary_id.in_(_TRAINED)),
        ),
        or_(Shift.valid_from.is_(None), Shift.valid_from <= bindparam("last_day")),
        or_(Shift.valid_until.is_(None), Shift.valid_until >= bindparam("first_day")),
    ),
    _branch(
        PARTNER,
        person=Training.secretary_id,
        secretary_id=Training.secretary_id,
        rank=Training.overflow_rank,
    ).where(Training.client_id == _CLIENT, Training.overflow_rank.is_not(None)),
    _branch(
        OVERRIDE,
        person=Override.replacement_secretary_id,
        id=Override.id,
        secretary_id=Override.original_secretary_id,
        replacement_id=Override.replacement_secretary_id,
        shift_id=Override.shift_id,
        starts_at=Override.starts_at,
        ends_at=Override.ends_at,
    ).where(_OVERRIDES_OF_PEOPLE),
    _branch(
        ABSENCE,
        id=Absence.id,
        secretary_id=Absence.secretary_id,
        starts_at=Absence.starts_at,
        ends_at=Absence.ends_at,
    ).where(
        Absence.secretary_id.in_(
            # Flat: SQLite refuses a parenthesised UNION inside another.
            union(
                _OF_PEOPLE,
                select(Override.replacement_secretary_id).where(_OVERRIDES_OF_PEOPLE),
            )
        ),
        Absence.starts_at < _END,
        Absence.ends_at > _START,
    ),
).subquery("rota")

ROTA = select(
    *(Secretary.__table__.c[name] if name in _PERSON else _BRANCHES.c[name] for name in _COLUMNS)
).select_from(_BRANCHES.outerjoin(Secretary, Secretary.id == _BRANCHES.c.person_id))

# The same rows, each with whether its person is free to be rung at :at: a new call reads
# its rota and who is free in one statement (desk.calls.new_call). None where she has no
# presence row yet (made when she is first rung).
_FREE_NOW = case(
    (Presence.secretary_id.is_(None), null()),
    else_=func.coalesce(free_condition(bindparam("at")), false()),
)
ROTA_NOW = ROTA.add_columns(_FREE_NOW.label("free")).outerjoin(
    Presence, Presence.secretary_id == _BRANCHES.c.person_id
)


def rota_rows(
    conn: Connection,
    client_id: int,
    start: datetime,
    end: datetime,
    first_day: date,
    last_day: date,
    free_at: datetime | None = None,
) -> list[RotaRow]:
    """The rows of `ROTA` for a client and a UTC period (shifts valid on local days given);
    given `free_at`, of `ROTA_NOW` (who is free then)."""
    params = {
        "client_id": client_id,
        "start": start,
        "end": end,
        "first_day": first_day,
        "last_day": last_day,
    }
    if free_at is None:
        return [RotaRow(*row) for row in conn.execute(ROTA, params)]
    return [RotaRow._make(row) for row in conn.execute(ROTA_NOW, params | {"at": free_at})]

"""Shifts by shape, for questions about every client at once (the desk-wide staffing page).

A network's clients share a few shapes of shift (Monday to Friday 12:00-14:00, ...): who
is on shift at an instant depends on the shape, its time zone and its secretary, not on
the client the shift is for. `Rota.on_duty` also applies overrides, absences and inactive
secretaries: `touched_clients` names the clients whose rota one of those may change (to
be asked through their `Rota`); for every other client, on duty is on shift, and
`shift_shapes` gives their shifts grouped by rule and time zone, each naming its
secretaries. Two statements whatever the number of clients.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time
from typing import Any, NamedTuple

from sqlalchemy import (
    CompoundSelect,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    func,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session

from desk.base.db import connection_of
from desk.models import Absence, Client, Override, Secretary, Shift, Training
from desk.models.base import UTCDateTime


class ShiftShape(NamedTuple):
    """A shift's rule (what `desk.rota.duty.shift_occurrences` reads), its client's time
    zone, and the secretaries with a shift of that rule there."""

    timezone: str
    weekdays: str | None
    rrule: str | None
    start_local: time
    end_local: time
    valid_from: date | None
    valid_until: date | None
    secretaries: frozenset[int]


def _touched() -> CompoundSelect[Any]:
    """Clients (active or not) with a secretary trained for them or on one of their shifts
    who is inactive, absent or replaced during [start, end): a superset of the clients
    whose `Rota` has an override, an absence or an inactive secretary in the period
    (`desk.rota.boards` attaches those of the client's people only)."""
    start, end = bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
    people = union(
        select(Secretary.id).where(Secretary.active.is_(False)),
        select(Override.original_secretary_id).where(
            Override.starts_at < end, Override.ends_at > start
        ),
        select(Absence.secretary_id).where(Absence.starts_at < end, Absence.ends_at > start),
    ).subquery()
    return union(
        select(Training.client_id).where(Training.secretary_id.in_(select(people.c[0]))),
        select(Shift.client_id).where(
            Shift.client_id.is_not(None), Shift.secretary_id.in_(select(people.c[0]))
        ),
    )


def _shapes() -> Select[Any]:
    """Shifts of the active clients but `leave_out`, valid between `first_day` and
    `last_day`, grouped by time zone and rule (see `shift_shapes`)."""
    columns: tuple[Any, ...] = (Shift.secretary_id, Shift.weekdays, Shift.rrule)
    columns += (Shift.start_local, Shift.end_local, Shift.valid_from, Shift.valid_until)
    valid = (
        or_(Shift.valid_from.is_(None), Shift.valid_from <= bindparam("last_day", type_=Date())),
        or_(Shift.valid_until.is_(None), Shift.valid_until >= bindparam("first_day", type_=Date())),
    )
    leave_out = bindparam("leave_out", expanding=True, type_=Integer())
    plain = and_(Client.active.is_(True), Client.id.not_in(leave_out))
    own = (
        select(Client.timezone, *columns)
        .join(Client, Client.id == Shift.client_id)
        .where(plain, *valid)
    )
    shared = (
        select(Client.timezone, *columns)
        .join(Training, Training.secretary_id == Shift.secretary_id)
        .join(Client, Client.id == Training.client_id)
        .where(Shift.client_id.is_(None), plain, *valid)
    )
    both = union(own, shared).subquery()  # distinct first: then 745 rows to group, not 5,000
    rule = [c for c in both.c if c.name != "secretary_id"]
    who = func.aggregate_strings(cast(both.c.secretary_id, String), ",")
    return select(*rule, who).group_by(*rule)


# Built once with bound parameters: SQLAlchemy keeps their cache keys and compiled forms.
_TOUCHED, _SHAPES = _touched(), _shapes()


def touched_clients(session: Session, start: datetime, end: datetime) -> set[int]:
    """Ids of the clients whose rota an override, an absence or an inactive secretary may
    change during [start, end) (a superset: their `Rota` says)."""
    found = connection_of(session).execute(_TOUCHED, {"start": start, "end": end})
    return {client_id for (client_id,) in found}


def shift_shapes(
    session: Session,
    start: datetime,
    end: datetime,
    first_day: date,
    last_day: date,
    leave_out: Collection[int],
) -> list[ShiftShape]:
    """The shifts of the active clients but those `leave_out` names (`touched_clients`),
    valid between local days `first_day` and `last_day` (the filter of
    `desk.rota.boards`): their own shifts and the shifts of no client of the secretaries
    trained for them, grouped by rule and time zone (a few rows, each naming its
    secretaries, for 5,000 shifts)."""
    values = {"first_day": first_day, "last_day": last_day, "leave_out": sorted(leave_out)}
    rows = connection_of(session).execute(_SHAPES, values)
    return [ShiftShape._make((*row[:-1], frozenset(map(int, row[-1].split(","))))) for row in rows]

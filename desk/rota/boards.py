"""The Now page's boards for many clients at once: a fixed number of queries, not per client.

`now_and_next` per client loads a rota and a coverage per client (four statements each:
2.5 s for an admin's 1,000 clients). Here the coverage windows, closures, shifts,
partners, overrides and absences of every shown client come in six set-based queries,
and each client's `Rota` and `CoverageRules` are built from its share of the rows, so the
answer is the one `now_and_next` (and routing) gives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from desk.base.db import connection_of
from desk.base.wall_time import local_date
from desk.models import (
    Absence,
    Client,
    Closure,
    CoverageWindow,
    Override,
    Secretary,
    Shift,
    Training,
)
from desk.rota.coverage import CoverageRules, CoveredClient
from desk.rota.duty import Rota
from desk.rota.gaps import segments_of
from desk.rota.load import ABSENCE, OVERRIDE, PARTNER, SHIFT, RotaRow
from desk.rota.week import NowAndNext, now_and_next_of

HORIZON = timedelta(days=7)


def now_boards(session: Session, clients: Sequence[Client], at: datetime) -> list[NowAndNext]:
    """`now_and_next` for each of `clients`, in their order, in a fixed number of queries."""
    if not clients:
        return []
    start, end = at, at + HORIZON
    first_day = min(local_date(start, ZoneInfo(c.timezone)) for c in clients) - timedelta(days=2)
    last_day = max(local_date(end, ZoneInfo(c.timezone)) for c in clients) + timedelta(days=1)
    rules = coverage_rules_of(session, clients, first_day, last_day)
    rotas = rotas_of(session, clients, start, end)
    boards = []
    for client in clients:
        found = segments_of(rules[client.id], rotas[client.id], start, end)
        boards.append(now_and_next_of(client, found, rules[client.id].at(at).covered, at))
    return boards


def coverage_rules_of(
    session: Session, clients: Sequence[CoveredClient], first_day: date, last_day: date
) -> dict[int, CoverageRules]:
    """`CoverageRules.load` for each of `clients` over local days [first_day, last_day],
    in two queries whatever their number."""
    return coverage_rules_over(session, clients, [(first_day, last_day)])[0]


def coverage_rules_over(
    session: Session,
    clients: Sequence[CoveredClient],
    ranges: Sequence[tuple[date, date]],
    among: Select[Any] | None = None,
) -> list[dict[int, CoverageRules]]:
    """`coverage_rules_of` for each range of local days, in two queries whatever the
    number of clients and ranges (the closures touching any range, then each range's);
    clients whose rules are the same share one `CoverageRules`. `among`: a query of ids
    including the clients' (others' rows are left out), instead of a thousand ids."""
    conn = connection_of(session)
    ids: Any = [c.id for c in clients] if among is None else among
    windows: dict[int, list[Any]] = defaultdict(list)  # with `among`, maybe others' too
    rule: tuple[Any, ...] = (CoverageWindow.weekdays, CoverageWindow.start_local)
    rule += (CoverageWindow.end_local, CoverageWindow.valid_from, CoverageWindow.valid_until)
    whose = func.aggregate_strings(cast(CoverageWindow.client_id, String), ",")
    for *window, owners in conn.execute(  # a row per distinct window, naming its clients
        select(*rule, whose).where(CoverageWindow.client_id.in_(ids)).group_by(*rule)
    ):
        for client_id in map(int, owners.split(",")):
            windows[client_id].append(tuple(window))
    closures: dict[int, list[tuple[date, date]]] = defaultdict(list)  # mostly none
    for client_id, starts_on, ends_on in conn.execute(
        select(Closure.client_id, Closure.starts_on, Closure.ends_on).where(
            Closure.client_id.in_(ids),
            Closure.practitioner_id.is_(None),
            Closure.starts_on <= max(last for _, last in ranges),
            Closure.ends_on >= min(first for first, _ in ranges),
        )
    ):
        closures[client_id].append((starts_on, ends_on))
    shapes: dict[tuple[Any, ...], int] = {}  # a client's zone, holidays and windows
    mine = [shapes.setdefault(_coverage_shape(c, windows[c.id]), len(shapes)) for c in clients]
    shared: dict[tuple[int, tuple[tuple[date, date], ...]], CoverageRules] = {}
    found = []
    for first_day, last_day in ranges:
        rules = {}
        for c, shape in zip(clients, mine, strict=True):
            closed = tuple(
                (s, e) for s, e in closures.get(c.id, ()) if s <= last_day and e >= first_day
            )
            if (shape, closed) not in shared:
                shared[(shape, closed)] = CoverageRules.of(c, windows[c.id], closed)
            rules[c.id] = shared[(shape, closed)]
        found.append(rules)
    return found


def _coverage_shape(client: CoveredClient, windows: list[Any]) -> tuple[Any, ...]:
    return (client.timezone, client.holiday_policy, client.holiday_country, *windows)


def rotas_of(
    session: Session, clients: Sequence[Client], start: datetime, end: datetime
) -> dict[int, Rota]:
    """Each client's `Rota` over [start, end), from six queries whatever their number."""
    rows = rota_rows_of(session, clients, start, end)
    return {c.id: Rota(session, c, start, end, rows=rows[c.id]) for c in clients}


def rota_rows_of(
    session: Session, clients: Sequence[CoveredClient], start: datetime, end: datetime
) -> dict[int, list[Any]]:
    """Each client's rows for `Rota(rows=...)` over [start, end) (shifts, partners,
    overrides, absences; kinds in `desk.rota.load`), from six queries whatever their number."""
    if not clients:
        return {}
    conn = connection_of(session)
    first_day = min(local_date(start, ZoneInfo(c.timezone)) for c in clients) - timedelta(days=2)
    last_day = max(local_date(end, ZoneInfo(c.timezone)) for c in clients) + timedelta(days=1)
    found = _rota_rows(conn, [c.id for c in clients], start, end, first_day, last_day)
    return {c.id: found[c.id] for c in clients}


def _rota_rows(
    conn: Any, ids: list[int], start: datetime, end: datetime, first_day: Any, last_day: Any
) -> dict[int, list[RotaRow]]:
    """Each client's rota rows over [start, end): six queries whatever the number of clients."""
    rows: dict[int, list[RotaRow]] = defaultdict(list)
    people: dict[int, set[int]] = defaultdict(set)  # client -> who works for it
    trained: dict[int, set[int]] = defaultdict(set)  # secretary -> clients trained for
    person = (Secretary.name, Secretary.phone, Secretary.active)
    for client_id, secretary_id, rank, name, phone, active in conn.execute(
        select(Training.client_id, Training.secretary_id, Training.overflow_rank, *person)
        .join(Secretary, Training.secretary_id == Secretary.id)
        .where(Training.client_id.in_(ids))
    ):
        people[client_id].add(secretary_id)
        trained[secretary_id].add(client_id)
        if rank is not None:
            row = RotaRow(PARTNER, secretary_id=secretary_id, rank=rank, name=name, phone=phone)
            rows[client_id].append(row._replace(active=active))
    valid = (
        or_(Shift.valid_from.is_(None), Shift.valid_from <= last_day),
        or_(Shift.valid_until.is_(None), Shift.valid_until >= first_day),
    )
    for shift in conn.execute(
        select(Shift.client_id, Shift.id, Shift.secretary_id, Shift.rank, Shift.weekdays)
        .add_columns(Shift.rrule, Shift.start_local, Shift.end_local, Shift.valid_from)
        .add_columns(Shift.valid_until, Shift.ring_together, *person)
        .join(Secretary, Shift.secretary_id == Secretary.id)
        .where(
            or_(
                Shift.client_id.in_(ids),
                and_(Shift.client_id.is_(None), Shift.secretary_id.in_(list(trained) or [0])),
            ),
            *valid,
        )
        .order_by(Shift.id)
    ):
        owners = [shift.client_id] if shift.client_id is not None else trained[shift.secretary_id]
        row = RotaRow(
            SHIFT,
            id=shift.id,
            secretary_id=shift.secretary_id,
            rank=shift.rank,
            weekdays=shift.weekdays,
            rrule=shift.rrule,
            start_local=shift.start_local,
            end_local=shift.end_local,
            valid_from=shift.valid_from,
            valid_until=shift.valid_until,
            ring_together=shift.ring_together,
            name=shift.name,
            phone=shift.phone,
            active=shift.active,
        )
        for client_id in owners:
            people[client_id].add(shift.secretary_id)
            rows[client_id].append(row)
    everyone = set().union(*people.values()) if people else set()
    replacements: dict[int, set[int]] = defaultdict(set)
    for o in conn.execute(
        select(Override.id, Override.original_secretary_id, Override.replacement_secretary_id)
        .add_columns(Override.shift_id, Override.starts_at, Override.ends_at, *person)
        .join(Secretary, Override.replacement_secretary_id == Secretary.id)
        .where(
            Override.original_secretary_id.in_(list(everyone) or [0]),
            Override.starts_at < end,
            Override.ends_at > start,
        )
    ):
        row = RotaRow(OVERRIDE, o.id, o[1], o[2], o.shift_id, starts_at=o.starts_at)._replace(
            ends_at=o.ends_at, name=o.name, phone=o.phone, active=o.active
        )
        for client_id in ids:
            if o[1] in people[client_id]:
                rows[client_id].append(row)
                replacements[client_id].add(o[2])
    involved = everyone.union(*replacements.values())
    for a in conn.execute(
        select(Absence.id, Absence.secretary_id, Absence.starts_at, Absence.ends_at).where(
            Absence.secretary_id.in_(list(involved) or [0]),
            Absence.starts_at < end,
            Absence.ends_at > start,
        )
    ):
        row = RotaRow(ABSENCE, a.id, a.secretary_id, starts_at=a.starts_at, ends_at=a.ends_at)
        for client_id in ids:
            if a.secretary_id in people[client_id] or a.secretary_id in replacements[client_id]:
                rows[client_id].append(row)
    return rows

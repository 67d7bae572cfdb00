"""The calls a staffing forecast learns from, whole desk: the settled half hours' roll-up
(`offered_half_hours`) and the calls past it, counted live.

A desk-wide forecast reads eight weeks of every client's calls; at a million calls a year
that is 150,000 rows read one by one with their legs (2.6 s). The call-hours job counts
each settled hour (desk/reports/settled.py) into one row per client and local half hour
(`offered_rows`), with the very `Sums` a forecast adds; the advice reads those rows
grouped per client, weekday and half hour, and counts live the calls the roll-up does not
hold yet (`offered_tallies`). Left-out days (public holidays, closures) are left out by
the query, so the counts are those `forecast.tally` makes of the same calls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from desk.base.public_holidays import holiday_dates
from desk.models import Call, Client, Closure, OfferedHalfHour, RollupMark
from desk.reports.facts import Outcome, Period, load_offered, offered_calls
from desk.reports.forecast import Sums, Tally, days_left_out, slot_of, tally
from desk.reports.rollup import SETTLED_MARK
from desk.rota import CoverageRules
from desk.rota.coverage import CoveredClient


def offered_rows(
    session: Session, start: datetime, end: datetime, top: int
) -> list[dict[str, Any]]:
    """The roll-up's rows of the UTC hours in [start, end) (a week at most: `settle` counts
    no more at a time): calls up to id `top`, a row per UTC hour, client and local half
    hour, after-hours calls left out."""
    zones = {
        cid: ZoneInfo(zone) for cid, zone in session.execute(select(Client.id, Client.timezone))
    }
    found: dict[tuple[datetime, int, date, int], Sums] = defaultdict(Sums)
    for fact in offered_calls(
        session, Call.started_at >= start, Call.started_at < end, Call.id <= top
    ):
        if fact.outcome == Outcome.AFTER_HOURS:
            continue
        tz = zones[fact.client_id]
        local = fact.started_at.astimezone(tz)
        hour = fact.started_at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        found[hour, fact.client_id, local.date(), slot_of(local, tz)[1]].add(fact)
    return [
        {"hour": hour, "client_id": client_id, "day": day, "weekday": day.weekday()}
        | {"slot": slot, "offered": s.offered, "talk_sum": s.talk_sum, "talks": s.talks}
        | {"waited": s.waited, "gave_up": s.gave_up}
        for (hour, client_id, day, slot), s in found.items()
    ]


def offered_tallies(
    session: Session,
    clients: Sequence[CoveredClient],
    learnt: dict[int, CoverageRules],
    among: Any,
    first: date,
    last: date,
) -> dict[int, Tally]:
    """What `forecast.tally` counts of each client's calls over the local days [first,
    last] (`learnt`: the clients' rules over them; `among`: a query of the clients' ids),
    for the clients that had any: the roll-up's settled hours, then the calls past its
    mark. A fixed number of statements: two per holiday country, two per time zone;
    only the clients of `clients` are in the answer."""
    mark = session.get(RollupMark, SETTLED_MARK)
    found: dict[int, Tally] = defaultdict(Tally)
    # The calls the roll-up does not hold: every one, or those past the settled hours and
    # those added to them late (two index ranges: their OR would scan the whole period).
    live: list[tuple[Any, ...]] = [()]
    if mark is not None and mark.settled_until is not None:
        cut = mark.settled_until
        live = [(Call.started_at >= cut,), (Call.id > mark.last_call_id, Call.started_at < cut)]
        for country in sorted({c.holiday_country for c in clients}):
            mine = [c for c in clients if c.holiday_country == country]
            _settled(session, found, mine, learnt, first, last, cut)
    left_out: dict[int, frozenset[date]] = {}  # by id(rules): clients share rules
    for zone in sorted({c.timezone for c in clients}):
        tz = ZoneInfo(zone)
        ids = among.where(Client.timezone == zone)
        facts = defaultdict(list)
        for where in live:
            for fact in load_offered(session, ids, Period(first, last, tz), *where):
                facts[fact.client_id].append(fact)
        for client_id, theirs in facts.items():
            rules = learnt[client_id]
            if id(rules) not in left_out:
                left_out[id(rules)] = days_left_out(rules, first, last)
            found[client_id].merge(tally(theirs, tz, left_out[id(rules)]))
    return dict(found)


# A roll-up row's day inside one of its client's own closures (not a practitioner's).
_CLOSED = exists().where(
    Closure.client_id == OfferedHalfHour.client_id,
    Closure.practitioner_id.is_(None),
    Closure.starts_on <= OfferedHalfHour.day,
    Closure.ends_on >= OfferedHalfHour.day,
)


def _settled(
    session: Session,
    found: dict[int, Tally],
    clients: Sequence[CoveredClient],
    learnt: dict[int, CoverageRules],
    first: date,
    last: date,
    cut: datetime,
) -> None:
    """Add the roll-up's rows of the clients of one holiday country (all `clients`') to
    `found`: their days but the country's holidays and each client's closures. Other
    clients' rows (another country's, inactive clients') are passed over here rather
    than left out by the query, whose plan must then not hang on the clients' table
    statistics (a nested loop over a thousand clients took 190 ms before PostgreSQL had
    analysed a new table): a desk's clients mostly share one country."""
    row = OfferedHalfHour
    wanted = {c.id for c in clients}
    where: list[Any] = [row.day >= first, row.day <= last, row.hour < cut]
    holidays = holiday_dates(clients[0].holiday_country, first, last)
    if holidays:
        where.append(row.day.not_in(sorted(holidays)))
    if any(learnt[c.id].closures for c in clients):
        # Read from the closures themselves, not bound day by day: a network closed for
        # August would pass PostgreSQL's 65,535 parameters a statement.
        where.append(~_CLOSED)
    for client_id, weekday, slot, n in session.execute(
        select(row.client_id, row.weekday, row.slot, func.sum(row.offered))
        .where(*where)
        .group_by(row.client_id, row.weekday, row.slot)
    ):
        if client_id in wanted:
            found[client_id].counts[weekday, slot] = int(n)
    sums = select(
        row.client_id,
        func.sum(row.offered),
        func.sum(row.talk_sum),
        func.sum(row.talks),
        func.sum(row.waited),
        func.sum(row.gave_up),
    )
    for client_id, offered, talk_sum, talks, waited, gave_up in session.execute(
        sums.where(*where).group_by(row.client_id)
    ):
        if client_id in wanted:
            found[client_id].sums.merge(
                Sums(int(offered), float(talk_sum), int(talks), float(waited), int(gave_up))
            )

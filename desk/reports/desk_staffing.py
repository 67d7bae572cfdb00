"""Desk-wide staffing advice: every active client's forecast summed, against everyone on duty.

The method (docs/activity.md, "Forecast and staffing", desk-wide): each active client's
forecast (`forecast.forecast`, holidays and its closures left out) is added up per local
weekday and half hour; the handling time is the clients' handling times weighted by their
expected calls. A half hour is planned when at least one client is covered at its middle;
the secretaries on duty are those on duty for any client then (`Rota.on_duty`, the rota
page's function), each counted once. Erlang C gives the secretaries needed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import Client
from desk.reports.erlang import staffing
from desk.reports.facts import CallFact, Period, Scope, load_facts
from desk.reports.forecast import (
    DEFAULT_AHT,
    HISTORY_WEEKS,
    SLOTS,
    HalfHour,
    Verdict,
    forecast_of,
    history,
)
from desk.rota import CoverageRules, Rota
from desk.rota.boards import coverage_rules_of, rotas_of


@dataclass(frozen=True)
class DeskAdvice:
    expected: list[list[float]]  # [weekday][half hour] calls expected, all clients
    aht_seconds: float
    clients: int
    half_hours: list[HalfHour]

    @property
    def under(self) -> list[HalfHour]:
        return [h for h in self.half_hours if h.verdict == Verdict.UNDER]

    @property
    def over(self) -> list[HalfHour]:
        return [h for h in self.half_hours if h.verdict == Verdict.OVER]


def desk_week_advice(
    session: Session,
    monday: date,
    weeks: int = HISTORY_WEEKS,
    target: float = 0.8,
    within: float = 20,
) -> DeskAdvice:
    """The whole desk's advice for the week starting `monday` (local wall time of each
    client: the desk's clients share its time zone).

    A fixed number of statements whatever the number of clients: their history's calls
    (one load per time zone), coverage rules and rotas come set-based
    (`desk.rota.boards`), then each client's forecast and week are computed from its share.
    """
    clients = list(
        session.scalars(select(Client).where(Client.active.is_(True)).order_by(Client.id))
    )
    if not clients:
        return DeskAdvice([[0.0] * SLOTS for _ in range(7)], DEFAULT_AHT, 0, [])
    first, last = history(monday, weeks)
    facts: dict[int, list[CallFact]] = defaultdict(list)
    for zone in sorted({c.timezone for c in clients}):
        ids = tuple(c.id for c in clients if c.timezone == zone)
        for fact in load_facts(session, Scope(ids), Period(first, last, ZoneInfo(zone))):
            facts[fact.client_id].append(fact)
    learnt = coverage_rules_of(session, clients, first, last)
    rules = coverage_rules_of(session, clients, monday, monday + timedelta(days=6))
    starts = [datetime.combine(monday, time(), ZoneInfo(c.timezone)) for c in clients]
    rotas = rotas_of(session, clients, min(starts), max(starts) + timedelta(days=7))
    expected = [[0.0] * SLOTS for _ in range(7)]
    weighted, calls = 0.0, 0.0
    open_slots: set[tuple[int, int]] = set()
    on_duty: dict[tuple[int, int], set[int]] = defaultdict(set)
    for client in clients:
        fc = forecast_of(client, learnt[client.id], facts[client.id], monday, weeks)
        total = sum(map(sum, fc.expected))
        weighted += fc.aht_seconds * total if fc.aht_measured else 0.0
        calls += total if fc.aht_measured else 0.0
        for w in range(7):
            for s in range(SLOTS):
                expected[w][s] += fc.expected[w][s]
        _sweep(client, rules[client.id], rotas[client.id], monday, open_slots, on_duty)
    aht = weighted / calls if calls else DEFAULT_AHT
    found = []
    for i, slot in sorted(open_slots):
        day = monday + timedelta(days=i)
        load = expected[day.weekday()][slot]
        answer = staffing(2 * load, aht, target, within)
        found.append(
            HalfHour(
                day=day,
                slot=slot,
                expected=round(load, 2),
                needed=max(1, answer.agents),
                on_duty=len(on_duty[(i, slot)]),
                service_level=answer.service_level,
            )
        )
    return DeskAdvice(expected, aht, len(clients), found)


def _sweep(
    client: Client,
    rules: CoverageRules,
    rota: Rota,
    monday: date,
    open_slots: set[tuple[int, int]],
    on_duty: dict[tuple[int, int], set[int]],
) -> None:
    """Mark the week's half hours covered for `client` (at their middle) and add whom its
    rota has on duty then: the half hours inside each coverage interval, and the rota
    asked once per stretch between two of its change points."""
    start = datetime.combine(monday, time(), ZoneInfo(client.timezone))
    keys, middles = _middles(monday, client.timezone)
    for s, e in rules.intervals(start, start + timedelta(days=7)):
        open_slots.update(keys[bisect_left(middles, s) : bisect_left(middles, e)])
    cuts = {bisect_left(middles, point) for point in rota.change_points()}
    for first, end in pairwise(sorted(cuts | {0, len(middles)})):
        who = {r.secretary_id for r, _duty in rota.on_duty(middles[first])}
        for key in keys[first:end] if who else ():
            on_duty[key] |= who


@lru_cache(maxsize=16)
def _middles(monday: date, zone: str) -> tuple[tuple[tuple[int, int], ...], tuple[datetime, ...]]:
    """The week's half hours as (day index, half hour), and their middles, in order."""
    tz = ZoneInfo(zone)
    keys = tuple((i, slot) for i in range(7) for slot in range(SLOTS))
    middles = tuple(
        datetime.combine(monday + timedelta(days=i), time(slot // 2, 30 * (slot % 2)), tz)
        + timedelta(minutes=15)
        for i, slot in keys
    )
    return keys, middles

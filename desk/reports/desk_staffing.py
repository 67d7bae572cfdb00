"""Desk-wide staffing advice: every active client's forecast summed, against everyone on duty.

The method (docs/activity.md, "Forecast and staffing", desk-wide): each active client's
forecast (`forecast.forecast`, holidays and its closures left out) is added up per local
weekday and half hour; the handling time is the clients' handling times weighted by their
expected calls. A half hour is planned when at least one client is covered at its middle;
the secretaries on duty are those on duty for any client then (`Rota.on_duty`, the rota
page's function), each counted once. Erlang C gives the secretaries needed.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any
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
    days_kept_of,
    days_left_out,
    history,
    tally,
)
from desk.rota import CoverageRules, Rota
from desk.rota.boards import coverage_rules_of, rota_rows_of
from desk.rota.duty import shift_occurrences
from desk.rota.load import PARTNER, SHIFT


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
    (one load per time zone), coverage rules and rota rows come set-based
    (`desk.rota.boards`). The Python work follows the shapes, not the clients: each
    distinct coverage and shift is expanded once, a client's forecast only where it had
    calls, and a client's `Rota` is built only when overrides, absences or an inactive
    secretary make its duties differ from its shifts.
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
    period = (min(starts), max(starts) + timedelta(days=7))
    rows = rota_rows_of(session, clients, *period)
    expected, aht = _expected(clients, learnt, facts, monday, weeks)
    week = _Week(monday, period)
    open_slots, duty = 0, _OnDuty()
    for client in clients:
        open_slots |= week.covered(rules[client.id])
        week.add_duties(session, client, rows[client.id], duty)
    on_duty = duty.counts()
    found = []
    for k in _bits(open_slots):
        i, slot = divmod(k, SLOTS)
        day = monday + timedelta(days=i)
        load = expected[day.weekday()][slot]
        answer = staffing(2 * load, aht, target, within)
        found.append(
            HalfHour(
                day=day,
                slot=slot,
                expected=round(load, 2),
                needed=max(1, answer.agents),
                on_duty=on_duty[k],
                service_level=answer.service_level,
            )
        )
    return DeskAdvice(expected, aht, len(clients), found)


def _expected(
    clients: list[Client],
    learnt: dict[int, CoverageRules],
    facts: dict[int, list[CallFact]],
    monday: date,
    weeks: int,
) -> tuple[list[list[float]], float]:
    """Every client's `forecast_of` expected calls added up, client after client, and the
    handling time weighted by them; a client without calls adds noughts, so only the half
    hours a client had calls in are added (the same sums, to the last bit)."""
    first, last = history(monday, weeks)
    expected = [[0.0] * SLOTS for _ in range(7)]
    weighted, calls = 0.0, 0.0
    kept: dict[CoverageRules, tuple[frozenset[date], list[int]]] = {}
    for client in clients:
        if not facts[client.id]:
            continue
        rules = learnt[client.id]
        if rules not in kept:
            left_out = days_left_out(rules, first, last)
            kept[rules] = left_out, days_kept_of(first, last, left_out)
        left_out, days_kept = kept[rules]
        found = tally(facts[client.id], ZoneInfo(client.timezone), left_out)
        rows = [0.0] * 7  # each weekday's sum, as `sum` adds a forecast's row
        for (w, s), n in sorted(found.counts.items()):
            value = n / days_kept[w] if days_kept[w] else 0.0
            expected[w][s] += value
            rows[w] += value
        if found.talks:
            total = sum(rows)
            weighted += statistics.fmean(found.talks) * total
            calls += total
    return expected, (weighted / calls if calls else DEFAULT_AHT)


class _OnDuty:
    """Who is on duty in the week: per secretary, a mask of the week's half hours
    (bit k = day k // SLOTS, half hour k % SLOTS of the clients' local week)."""

    def __init__(self) -> None:
        self.masks: dict[int, int] = defaultdict(int)

    def counts(self) -> list[int]:
        """Secretaries on duty at each half hour, each counted once."""
        found = [0] * (7 * SLOTS)
        for mask in self.masks.values():
            for k in _bits(mask):
                found[k] += 1
        return found


class _Week:
    """The week's half hours (their middles, in UTC: comparing instants of one time zone
    costs no offset look-up) and the masks of coverage and shifts, one per shape."""

    def __init__(self, monday: date, period: tuple[datetime, datetime]) -> None:
        self.monday, self.period = monday, period
        self.coverage: dict[CoverageRules, int] = {}
        self.shifts: dict[tuple[Any, ...], int] = {}

    def covered(self, rules: CoverageRules) -> int:
        """The half hours covered at their middle under `rules`."""
        if rules not in self.coverage:
            start = datetime.combine(self.monday, time(), rules.tz)
            found = rules.intervals(start, start + timedelta(days=7))
            self.coverage[rules] = self._mask(rules.tz.key, found)
        return self.coverage[rules]

    def add_duties(self, session: Session, client: Client, rows: list[Any], duty: _OnDuty) -> None:
        """Add whom `client`'s rota has on duty at the middle of each half hour."""
        if all(r.kind == PARTNER or (r.kind == SHIFT and r.active) for r in rows):
            # No override, no absence, all active: on duty = on shift (`Rota.on_duty`).
            for row in rows:
                if row.kind == SHIFT:
                    duty.masks[row.secretary_id] |= self._shift(client.timezone, row)
            return
        rota = Rota(session, client, *self.period, rows=rows)
        _, middles = _middles(self.monday, client.timezone)
        cuts = {bisect_left(middles, point) for point in rota.change_points()}
        for first, end in pairwise(sorted(cuts | {0, len(middles)})):
            stretch = (1 << end) - (1 << first)
            for responder, _ in rota.on_duty(middles[first]):
                duty.masks[responder.secretary_id] |= stretch

    def _shift(self, zone: str, row: Any) -> int:
        """The half hours a shift covers at their middle (the same for every shift of
        this shape in this time zone)."""
        shape: tuple[Any, ...] = (zone, row.weekdays, row.rrule, row.start_local)
        shape += (row.end_local, row.valid_from, row.valid_until)
        if shape not in self.shifts:
            found = shift_occurrences(row, ZoneInfo(zone), *self.period)
            self.shifts[shape] = self._mask(zone, found)
        return self.shifts[shape]

    def _mask(self, zone: str, intervals: Iterable[tuple[datetime, datetime]]) -> int:
        _, middles = _middles(self.monday, zone)
        mask = 0
        for s, e in intervals:
            mask |= (1 << bisect_left(middles, e)) - (1 << bisect_left(middles, s))
        return mask


def _bits(mask: int) -> Iterator[int]:
    """The set bits of `mask`, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


@lru_cache(maxsize=16)
def _middles(monday: date, zone: str) -> tuple[tuple[tuple[int, int], ...], tuple[datetime, ...]]:
    """The week's half hours as (day index, half hour), and their middles in UTC, in order."""
    tz = ZoneInfo(zone)
    keys = tuple((i, slot) for i in range(7) for slot in range(SLOTS))
    middles = tuple(
        (
            datetime.combine(monday + timedelta(days=i), time(slot // 2, 30 * (slot % 2)), tz)
            + timedelta(minutes=15)
        ).astimezone(UTC)
        for i, slot in keys
    )
    return keys, middles

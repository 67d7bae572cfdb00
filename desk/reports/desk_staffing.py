"""Desk-wide staffing advice: every active client's forecast summed, against everyone on duty.

The method (docs/activity.md, "Forecast and staffing", desk-wide): each active client's
forecast (`forecast.forecast`, holidays and its closures left out) is added up per local
weekday and half hour; the handling time is the clients' handling times weighted by their
expected calls. A half hour is planned when at least one client is covered at its middle;
the secretaries on duty are those on duty for any client then (`Rota.on_duty`, the rota
page's function), each counted once. The queue model gives the secretaries needed
(`desk.reports.queue_staffing`), with the callers' patience measured over every client's
calls pooled (`forecast.tally`'s time waited over hang-ups) and, as the one maximum wait,
the clients' maximum waits weighted by their expected calls (0 when none has a queue:
voicemail at once) — an approximation of a desk whose clients set different maximums.
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
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.wall_time import local_date
from desk.models import Client
from desk.reports.forecast import (
    DEFAULT_AHT,
    HISTORY_WEEKS,
    SLOTS,
    HalfHour,
    Sums,
    Tally,
    Verdict,
    days_kept_of,
    days_left_out,
    history,
    patience_of,
)
from desk.reports.offered import offered_tallies
from desk.reports.queue_staffing import Setup, needed
from desk.rota import CoverageRules, Rota
from desk.rota.boards import coverage_rules_over, rota_rows_of
from desk.rota.duty import shift_occurrences
from desk.rota.shapes import ShiftShape, shift_shapes, touched_clients


class _Client(NamedTuple):
    """What the advice reads of an active client (`desk.rota.coverage.CoveredClient`)."""

    id: int
    timezone: str
    holiday_policy: str
    holiday_country: str
    max_wait_seconds: int


@dataclass(frozen=True)
class DeskAdvice:
    expected: list[list[float]]  # [weekday][half hour] calls expected, all clients
    aht_seconds: float
    clients: int
    half_hours: list[HalfHour]
    setup: Setup  # the model the advice used

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

    A fixed number of statements whatever the number of clients, and Python work that
    follows the shapes, not the clients: the history's calls as the settled half hours'
    roll-up holds them, grouped per client, weekday and half hour, and the calls past it
    (`desk.reports.offered`), added up only where a client had calls; coverage
    windows and shifts grouped by rule in SQL, each distinct rule expanded once into a
    mask of half hours; a client's `Rota` built and asked only when an override, an
    absence or an inactive secretary may make its duties differ from its shifts
    (`desk.rota.shapes`). The same answer as asking every client's rota at every half
    hour (tests/test_desk_staffing.py).
    """
    columns = (
        Client.id,
        Client.timezone,
        Client.holiday_policy,
        Client.holiday_country,
        Client.queue_max_wait_seconds,
    )
    active = select(*columns).where(Client.active.is_(True)).order_by(Client.id)
    clients = [_Client(*row) for row in session.execute(active)]  # rows, not 1,000 objects
    if not clients:
        return DeskAdvice([[0.0] * SLOTS for _ in range(7)], DEFAULT_AHT, 0, [], Setup(None, None))
    first, last = history(monday, weeks)
    zones = sorted({c.timezone for c in clients})
    ranges = [(first, last), (monday, monday + timedelta(days=6))]
    among = select(Client.id).where(Client.active.is_(True))
    learnt, rules = coverage_rules_over(session, clients, ranges, among)
    tallies = offered_tallies(session, clients, learnt, among, first, last)
    expected, aht, setup = _expected(clients, learnt, tallies, monday, weeks)
    starts = [datetime.combine(monday, time(), ZoneInfo(zone)) for zone in zones]
    week = _Week(monday, (min(starts), max(starts) + timedelta(days=7)))
    open_slots = 0
    for shared in {id(r): r for r in rules.values()}.values():  # clients share rules
        open_slots |= week.covered(shared)
    duty = _on_duty(session, week, zones, {c.id for c in clients})
    found = []
    for k in _bits(open_slots):
        i, slot = divmod(k, SLOTS)
        day = monday + timedelta(days=i)
        load = expected[day.weekday()][slot]
        answer = needed(2 * load, aht, setup, target, within)
        found.append(
            HalfHour(
                day=day,
                slot=slot,
                expected=round(load, 2),
                needed=max(1, answer.agents),
                on_duty=duty.count(k),
                service_level=round(answer.prediction.service_level, 4),
            )
        )
    return DeskAdvice(expected, aht, len(clients), found, setup)


def _on_duty(session: Session, week: _Week, zones: list[str], active: set[int]) -> _OnDuty:
    """Who is on duty at each half hour of the week, for any of the `active` clients."""
    duty = _OnDuty()
    touched = touched_clients(session, *week.period) & active
    days = _days_of(zones, week.period)
    for shape in shift_shapes(session, *week.period, *days, leave_out=touched):
        mask = week.shift(shape)  # the others: on duty when on shift
        for secretary_id in shape.secretaries:
            duty.masks[secretary_id] |= mask
    if touched:  # asked through their Rota
        by_id = select(Client).where(Client.id.in_(touched)).order_by(Client.id)
        asked = list(session.scalars(by_id))
        rows = rota_rows_of(session, asked, *week.period)
        for client in asked:
            week.add_duties(Rota(session, client, *week.period, rows=rows[client.id]), duty)
    return duty


def _expected(
    clients: list[_Client],
    learnt: dict[int, CoverageRules],
    tallies: dict[int, Tally],
    monday: date,
    weeks: int,
) -> tuple[list[list[float]], float, Setup]:
    """Every client's `forecast_of` expected calls added up, client after client, the
    handling time weighted by them, and the queue's setup (the patience pooled, the
    maximum waits weighted by the expected calls); a client without calls adds noughts,
    so only the half hours a client had calls in are added (the same sums, to the last
    bit)."""
    first, last = history(monday, weeks)
    expected = [[0.0] * SLOTS for _ in range(7)]
    weighted, calls = 0.0, 0.0
    pooled = Sums()
    max_waits, offered = 0.0, 0.0
    kept: dict[int, list[int]] = {}  # by id(rules): clients share them
    for client in clients:
        found = tallies.get(client.id)
        if found is None:
            continue
        rules = learnt[client.id]
        if id(rules) not in kept:
            kept[id(rules)] = days_kept_of(first, last, days_left_out(rules, first, last))
        days_kept = kept[id(rules)]
        rows = [0.0] * 7  # each weekday's sum, as `sum` adds a forecast's row
        for (w, s), n in sorted(found.counts.items()):
            value = n / days_kept[w] if days_kept[w] else 0.0
            expected[w][s] += value
            rows[w] += value
        total = sum(rows)
        aht = found.sums.aht
        if aht is not None:
            weighted += aht * total
            calls += total
        pooled.merge(found.sums)
        max_waits += client.max_wait_seconds * total
        offered += total
    if offered:
        max_wait = max_waits / offered
    else:  # no calls to weigh by: the clients' plain mean
        max_wait = statistics.fmean(c.max_wait_seconds for c in clients)
    patience = patience_of(pooled.waited, pooled.gave_up)
    return expected, (weighted / calls if calls else DEFAULT_AHT), Setup(patience, max_wait)


class _OnDuty:
    """Who is on duty in the week: per secretary, a mask of the week's half hours
    (bit k = day k // SLOTS, half hour k % SLOTS of the clients' local week)."""

    def __init__(self) -> None:
        self.masks: dict[int, int] = defaultdict(int)

    def count(self, k: int) -> int:
        """Secretaries on duty at half hour `k`, each counted once."""
        bit = 1 << k
        return sum(1 for mask in self.masks.values() if mask & bit)


class _Week:
    """The week's half hours (their middles, in UTC: comparing instants of one time zone
    costs no offset look-up) and the masks of coverage and shifts, one per shape."""

    def __init__(self, monday: date, period: tuple[datetime, datetime]) -> None:
        self.monday, self.period = monday, period
        self.coverage: dict[CoverageRules, int] = {}

    def covered(self, rules: CoverageRules) -> int:
        """The half hours covered at their middle under `rules`."""
        if rules not in self.coverage:
            start = datetime.combine(self.monday, time(), rules.tz)
            found = rules.intervals(start, start + timedelta(days=7))
            self.coverage[rules] = self._mask(rules.tz.key, found)
        return self.coverage[rules]

    def shift(self, shape: ShiftShape) -> int:
        """The half hours a shift of this shape covers at their middle."""
        found = shift_occurrences(shape, ZoneInfo(shape.timezone), *self.period)
        return self._mask(shape.timezone, found)

    def add_duties(self, rota: Rota, duty: _OnDuty) -> None:
        """Add whom `rota` has on duty at the middle of each half hour: asked once per
        stretch between two of its change points."""
        middles = _middles(self.monday, rota.client.timezone)
        cuts = {bisect_left(middles, point) for point in rota.change_points()}
        for first, end in pairwise(sorted(cuts | {0, len(middles)})):
            stretch = (1 << end) - (1 << first)
            for responder, _ in rota.on_duty(middles[first]):
                duty.masks[responder.secretary_id] |= stretch

    def _mask(self, zone: str, intervals: Iterable[tuple[datetime, datetime]]) -> int:
        middles = _middles(self.monday, zone)
        mask = 0
        for s, e in intervals:
            mask |= (1 << bisect_left(middles, e)) - (1 << bisect_left(middles, s))
        return mask


def _days_of(zones: list[str], period: tuple[datetime, datetime]) -> tuple[date, date]:
    """The local days whose shifts `desk.rota.boards.rotas_of` loads for the period."""
    start, end = period
    first = min(local_date(start, ZoneInfo(zone)) for zone in zones) - timedelta(days=2)
    return first, max(local_date(end, ZoneInfo(zone)) for zone in zones) + timedelta(days=1)


def _bits(mask: int) -> Iterator[int]:
    """The set bits of `mask`, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


@lru_cache(maxsize=16)
def _middles(monday: date, zone: str) -> tuple[datetime, ...]:
    """The middles of the week's half hours in UTC, in order (k = day * SLOTS + slot)."""
    tz = ZoneInfo(zone)
    return tuple(
        (
            datetime.combine(monday + timedelta(days=i), time(slot // 2, 30 * (slot % 2)), tz)
            + timedelta(minutes=15)
        ).astimezone(UTC)
        for i in range(7)
        for slot in range(SLOTS)
    )

"""Desk-wide staffing advice: every active client's forecast summed, against everyone on duty.

The method (docs/activity.md, "Forecast and staffing", desk-wide): each active client's
forecast (`forecast.forecast`, holidays and its closures left out) is added up per local
weekday and half hour; the handling time is the clients' handling times weighted by their
expected calls. A half hour is planned when at least one client is covered at its middle;
the secretaries on duty are those on duty for any client then (`Rota.on_duty`, the rota
page's function), each counted once. Erlang C gives the secretaries needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import Client
from desk.reports.erlang import staffing
from desk.reports.forecast import (
    DEFAULT_AHT,
    HISTORY_WEEKS,
    SLOTS,
    HalfHour,
    Verdict,
    forecast,
)
from desk.rota import CoverageRules, Rota


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
    client: the desk's clients share its time zone)."""
    clients = list(
        session.scalars(select(Client).where(Client.active.is_(True)).order_by(Client.id))
    )
    expected = [[0.0] * SLOTS for _ in range(7)]
    weighted, calls = 0.0, 0.0
    covered: list[tuple[Client, list[tuple[datetime, datetime]], Rota]] = []
    for client in clients:
        fc = forecast(session, client, monday, weeks)
        total = sum(map(sum, fc.expected))
        weighted += fc.aht_seconds * total if fc.aht_measured else 0.0
        calls += total if fc.aht_measured else 0.0
        for w in range(7):
            for s in range(SLOTS):
                expected[w][s] += fc.expected[w][s]
        tz = ZoneInfo(client.timezone)
        start = datetime.combine(monday, time(), tz)
        end = datetime.combine(monday + timedelta(days=7), time(), tz)
        rules = CoverageRules.load(session, client, monday, monday + timedelta(days=6))
        covered.append((client, rules.intervals(start, end), Rota(session, client, start, end)))
    aht = weighted / calls if calls else DEFAULT_AHT
    found = []
    for i in range(7):
        day = monday + timedelta(days=i)
        for slot in range(SLOTS):
            on_duty: set[int] = set()
            open_for_any = False
            for client, intervals, rota in covered:
                at = datetime.combine(
                    day, time(slot // 2, 30 * (slot % 2)), ZoneInfo(client.timezone)
                ) + timedelta(minutes=15)
                if any(s <= at < e for s, e in intervals):
                    open_for_any = True
                on_duty |= {r.secretary_id for r, _duty in rota.on_duty(at)}
            if not open_for_any:
                continue
            load = expected[day.weekday()][slot]
            answer = staffing(2 * load, aht, target, within)
            found.append(
                HalfHour(
                    day=day,
                    slot=slot,
                    expected=round(load, 2),
                    needed=max(1, answer.agents),
                    on_duty=len(on_duty),
                    service_level=answer.service_level,
                )
            )
    return DeskAdvice(expected, aht, len(clients), found)

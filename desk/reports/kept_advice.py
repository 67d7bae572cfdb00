"""The desk-wide staffing advice kept per process while nothing it is made of changes.

`desk_week_advice` reads every active client, its coverage, the history's calls and the
week's rota: at 1,000 clients some 20 ms of a page that renders in 5. What it reads
changes rarely once its history is over, and the database says when it does:
- clients, coverage windows, closures, shifts, overrides, absences, trainings and
  secretaries move `rota_version` (triggers, migrations 0013 and 0016);
- a day after the history's end its calls are settled (`desk.reports.rollup.SETTLED`),
  and the count and highest id of its calls tell whether one was added there since (an
  import, a late insert: `calls_added`). Before that (the advice for next week, or this
  week's on its first day) the advice is worked out afresh at every request.
When kept, the page's advice costs two statements (the clients' time zones, then the
version and the window's calls). Kept per engine and week, the
version read before the advice is worked out (a change meanwhile is caught next time).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from desk.base.kept import Kept
from desk.models import Client, RotaVersion
from desk.reports.desk_staffing import DeskAdvice, desk_week_advice
from desk.reports.forecast import HISTORY_WEEKS, history
from desk.reports.rollup import SETTLED, calls_added

_kept: Kept[tuple[date, int, float, float], tuple[int, int, int], DeskAdvice] = Kept(size=8)


def _window(session: Session, monday: date, weeks: int) -> tuple[datetime, datetime] | None:
    """The instants the history's local days span in the active clients' time zones."""
    active = select(Client.timezone).where(Client.active.is_(True)).distinct()
    zones = [ZoneInfo(zone) for zone in session.scalars(active)]
    if not zones:
        return None
    first, last = history(monday, weeks)
    after = last + timedelta(days=1)
    return (
        min(datetime.combine(first, time(), tz) for tz in zones),
        max(datetime.combine(after, time(), tz) for tz in zones),
    )


def kept_week_advice(
    session: Session,
    monday: date,
    now: datetime,
    weeks: int = HISTORY_WEEKS,
    target: float = 0.8,
    within: float = 20,
) -> DeskAdvice:
    """`desk_week_advice`, kept while what it reads stands (see the module)."""
    window = _window(session, monday, weeks)
    engine = session.get_bind()
    if window is None or now < window[1] + SETTLED or not isinstance(engine, Engine):
        return desk_week_advice(session, monday, weeks, target, within)
    rota = select(RotaVersion.version).where(RotaVersion.id == 1).scalar_subquery()
    count, top, rota_version = session.execute(calls_added(*window).add_columns(rota)).one()
    version = (int(rota_version), int(count), int(top))
    key = (monday, weeks, target, within)
    found = _kept.current(engine, key, version)
    if found is not None:
        return found
    advice = desk_week_advice(session, monday, weeks, target, within)
    _kept.put(engine, key, version, advice)
    return advice

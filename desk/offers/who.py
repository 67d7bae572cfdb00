"""Who a gap is offered to: the active partners trained for the client, with an
agreement in force that day, not absent and not on duty anywhere during the window;
then (if the desk allows it) its own secretaries trained for the client who are free.

Waves: the partners with the best overflow rank for the client first, the other
partners next, the desk's own secretaries last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desk.base.wall_time import local_date
from desk.billing.plans import shares_for
from desk.billing.pricing import in_force
from desk.models import Absence, Client, Override, Secretary, Shift, Training
from desk.rota.duty import shift_occurrences


@dataclass(frozen=True)
class Candidate:
    secretary_id: int
    partner: bool
    wave: int


def _absent(session: Session, ids: set[int], start: datetime, end: datetime) -> set[int]:
    return set(
        session.scalars(
            select(Absence.secretary_id).where(
                Absence.secretary_id.in_(ids), Absence.starts_at < end, Absence.ends_at > start
            )
        )
    )


def _on_duty(session: Session, ids: set[int], start: datetime, end: datetime, tz: str) -> set[int]:
    """Those of `ids` holding a shift (any client) or replacing someone during the window.

    A shift of hers that someone else took over still counts: the desk would rather ask
    one person fewer than ring someone twice at once.
    """
    busy = set(
        session.scalars(
            select(Override.replacement_secretary_id).where(
                Override.replacement_secretary_id.in_(ids),
                Override.starts_at < end,
                Override.ends_at > start,
            )
        )
    )
    zones = dict(session.execute(select(Client.id, Client.timezone)).all())
    first, last = local_date(start, ZoneInfo(tz)), local_date(end, ZoneInfo(tz))
    shifts = session.scalars(
        select(Shift).where(
            Shift.secretary_id.in_(ids - busy),
            or_(Shift.valid_from.is_(None), Shift.valid_from <= last),
            or_(Shift.valid_until.is_(None), Shift.valid_until >= first),
        )
    )
    for shift in shifts:
        zone = ZoneInfo(zones.get(shift.client_id, tz) if shift.client_id else tz)
        if shift.secretary_id not in busy and shift_occurrences(shift, zone, start, end):
            busy.add(shift.secretary_id)
    return busy


def candidates(
    session: Session, client: Client, start: datetime, end: datetime, include_desk: bool
) -> list[Candidate]:
    """The people to offer [start, end) of `client` to, each with her wave (1, 2, …)."""
    rows = session.execute(
        select(Training.secretary_id, Training.overflow_rank, Secretary.is_partner)
        .join(Secretary, Secretary.id == Training.secretary_id)
        .where(Training.client_id == client.id, Secretary.active)
    ).all()
    day = local_date(start, ZoneInfo(client.timezone))
    shares = shares_for(session, client.id)
    partners = {
        sid: rank
        for sid, rank, is_partner in rows
        if is_partner and in_force(shares.get(sid, []), day) is not None
    }
    own = {sid for sid, _, is_partner in rows if not is_partner} if include_desk else set()
    everyone = set(partners) | own
    if not everyone:
        return []
    unavailable = _absent(session, everyone, start, end)
    unavailable |= _on_duty(session, everyone - unavailable, start, end, client.timezone)
    free_partners = {sid: rank for sid, rank in partners.items() if sid not in unavailable}
    ranks = [rank for rank in free_partners.values() if rank is not None]
    best = min(ranks) if ranks else None
    found = []
    for sid, rank in sorted(free_partners.items()):
        first_wave = best is None or rank == best
        found.append(Candidate(sid, True, 1 if first_wave else 2))
    last = max((c.wave for c in found), default=0) + 1
    found.extend(Candidate(sid, False, last) for sid in sorted(own - unavailable))
    return found

"""The call log: calls a user may see, filtered by client, secretary, outcome and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desk.clients.access import visible_calls_query
from desk.models import Call, CallAttempt, Secretary, User
from desk.models.states import AttemptOutcome

LOG_LIMIT = 200


@dataclass(frozen=True)
class CallFilters:
    client_id: int | None = None
    secretary_id: int | None = None
    outcome: str | None = None
    day_from: date | None = None
    day_to: date | None = None  # inclusive
    timezone: str = "Europe/Paris"  # the desk's dates are local dates


@dataclass(frozen=True)
class CallRow:
    call: Call
    answered_by: str | None  # the secretary who took it
    rung: list[str]  # everyone rung, in order


def search_calls(session: Session, user: User, filters: CallFilters) -> list[CallRow]:
    """Newest first, at most LOG_LIMIT."""
    tz = ZoneInfo(filters.timezone)
    query = visible_calls_query(user).options(selectinload(Call.attempts))
    if filters.client_id is not None:
        query = query.where(Call.client_id == filters.client_id)
    if filters.secretary_id is not None:
        rung = select(CallAttempt.call_id).where(CallAttempt.secretary_id == filters.secretary_id)
        query = query.where((Call.handled_by_id == filters.secretary_id) | Call.id.in_(rung))
    if filters.outcome:
        query = query.where(Call.outcome == filters.outcome)
    if filters.day_from is not None:
        query = query.where(Call.started_at >= datetime.combine(filters.day_from, time(), tz))
    if filters.day_to is not None:
        end = datetime.combine(filters.day_to + timedelta(days=1), time(), tz)
        query = query.where(Call.started_at < end)
    query = query.order_by(Call.started_at.desc(), Call.id.desc()).limit(LOG_LIMIT)
    calls = list(session.scalars(query))
    names = {sid: name for sid, name in session.execute(select(Secretary.id, Secretary.name))}
    return [_row(call, names) for call in calls]


def _row(call: Call, names: dict[int, str]) -> CallRow:
    taker = call.handled_by_id
    if taker is None:
        taker = next(
            (
                a.secretary_id
                for a in call.attempts
                if a.outcome in (AttemptOutcome.ACCEPTED, AttemptOutcome.COMPLETED)
            ),
            None,
        )
    return CallRow(
        call=call,
        answered_by=names.get(taker) if taker is not None else None,
        rung=[names.get(a.secretary_id, "?") for a in call.attempts],
    )

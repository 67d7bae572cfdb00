"""The call log: calls a user may see, filtered by client, secretary, outcome and dates."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, selectinload

from desk.base.keyset import Cursor, Page, newest_first
from desk.base.phone import InvalidPhoneNumber, normalise
from desk.base.search import fold
from desk.clients.access import visible_calls_query
from desk.models import Appointment, Call, CallAttempt, Message, Secretary, User
from desk.models.states import AttemptOutcome


@dataclass(frozen=True)
class CallFilters:
    client_id: int | None = None
    secretary_id: int | None = None
    outcome: str | None = None
    day_from: date | None = None
    day_to: date | None = None  # inclusive
    timezone: str = "Europe/Paris"  # the desk's dates are local dates
    text: str = ""  # a phone number, or words of a message or appointment taken on the call


@dataclass(frozen=True)
class CallRow:
    call: Call
    answered_by: str | None  # the secretary who took it
    rung: list[str]  # everyone rung, in order


def search_calls(
    session: Session, user: User, filters: CallFilters, before: Cursor | None = None
) -> Page[CallRow]:
    """A page of the calls, newest first, older than `before` when given."""
    tz = ZoneInfo(filters.timezone)
    query = visible_calls_query(user).options(selectinload(Call.attempts))
    if filters.client_id is not None:
        query = query.where(Call.client_id == filters.client_id)
    if filters.secretary_id is not None:
        rung = select(CallAttempt.call_id).where(CallAttempt.secretary_id == filters.secretary_id)
        query = query.where((Call.handled_by_id == filters.secretary_id) | Call.id.in_(rung))
    if filters.outcome:
        query = query.where(Call.outcome == filters.outcome)
    if filters.text.strip():
        query = query.where(_text_matches(filters.text))
    if filters.day_from is not None:
        query = query.where(Call.started_at >= datetime.combine(filters.day_from, time(), tz))
    if filters.day_to is not None:
        end = datetime.combine(filters.day_to + timedelta(days=1), time(), tz)
        query = query.where(Call.started_at < end)
    page: Page[Call] = newest_first(session, query, Call.started_at, Call.id, before)
    return page.map(lambda calls: _rows(session, calls))


def _rows(session: Session, calls: list[Call]) -> list[CallRow]:
    """The rows with the names of the secretaries they name (one query, for this page)."""
    ids = {c.handled_by_id for c in calls} | {a.secretary_id for c in calls for a in c.attempts}
    ids.discard(None)
    names: dict[int, str] = {}
    if ids:
        found = session.execute(select(Secretary.id, Secretary.name).where(Secretary.id.in_(ids)))
        names = {sid: name for sid, name in found}
    return [_row(call, names) for call in calls]


def _text_matches(text: str) -> ColumnElement[bool]:
    """The caller's number, or a name or word of the message or appointment taken on the call
    (accent- and case-blind)."""
    words = fold(text)
    conditions: list[ColumnElement[bool]] = [
        Call.id.in_(select(Message.call_id).where(Message.search.contains(words, autoescape=True))),
        Call.id.in_(
            select(Appointment.call_id).where(
                Appointment.patient_search.contains(words, autoescape=True)
            )
        ),
    ]
    with suppress(InvalidPhoneNumber):
        conditions.append(Call.caller == normalise(text))
    return or_(*conditions)


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

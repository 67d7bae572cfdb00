"""The call a secretary has just accepted: what the desk pushes to her screen.

Read from the database only (the calls and attempts the voice webhooks write), so any
web worker can answer, whichever one took the webhook. The newest call she accepted is
the one in front of her: when it has ended there is none, never an older one still open
(a lost status callback must not bring back a call she hung up long ago).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import Appointment, Call, CallAttempt, Contact, Message
from desk.models.states import AttemptOutcome

# A call accepted longer ago than this is no longer "the call in progress" for the page,
# even if Twilio's final status callback has not arrived (it can be late or lost).
RECENT = timedelta(minutes=30)
HISTORY = 5


@dataclass(frozen=True)
class LiveCall:
    call_id: int
    client_id: int
    caller: str
    accepted_at: datetime


def accepted_call(session: Session, secretary_id: int, at: datetime) -> LiveCall | None:
    """The call `secretary_id` is on at `at`: her newest accepted one, unless it ended."""
    row = session.execute(
        select(
            Call.id,
            Call.client_id,
            Call.caller,
            CallAttempt.accepted_at,
            Call.ended_at,
        )
        .join(CallAttempt, CallAttempt.call_id == Call.id)
        .where(
            CallAttempt.secretary_id == secretary_id,
            CallAttempt.outcome == AttemptOutcome.ACCEPTED,
            CallAttempt.accepted_at >= at - RECENT,
            Call.client_id.is_not(None),
        )
        .order_by(CallAttempt.accepted_at.desc(), CallAttempt.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    call_id, client_id, caller, accepted_at, ended_at = row
    if ended_at is not None:
        return None
    assert client_id is not None and accepted_at is not None  # filtered above
    return LiveCall(call_id, client_id, caller, accepted_at)


def call_for_secretary(session: Session, call_id: int, secretary_id: int | None) -> Call | None:
    """The call when this secretary accepted it (None for anyone else)."""
    if secretary_id is None:
        return None
    return session.scalar(
        select(Call)
        .join(CallAttempt, CallAttempt.call_id == Call.id)
        .where(
            Call.id == call_id,
            CallAttempt.secretary_id == secretary_id,
            CallAttempt.outcome == AttemptOutcome.ACCEPTED,
        )
    )


@dataclass(frozen=True)
class CallerCard:
    """Who is calling, when the number is known to the client's desk."""

    number: str
    names: list[str] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return bool(self.names or self.appointments or self.messages or self.calls)


def caller_card(session: Session, client_id: int, number: str, call_id: int) -> CallerCard:
    """The caller's past with this client: patient or contact names, appointments, messages
    and calls (newest first, the current call left out)."""
    if not number or number.lower() in ("anonymous", "unknown"):
        return CallerCard(number)
    appointments = list(
        session.scalars(
            select(Appointment)
            .where(Appointment.client_id == client_id, Appointment.patient_phone == number)
            .order_by(Appointment.starts_at.desc())
            .limit(HISTORY)
        )
    )
    messages = list(
        session.scalars(
            select(Message)
            .where(Message.client_id == client_id, Message.caller_number == number)
            .order_by(Message.created_at.desc())
            .limit(HISTORY)
        )
    )
    calls = list(
        session.scalars(
            select(Call)
            .where(Call.client_id == client_id, Call.caller == number, Call.id != call_id)
            .order_by(Call.started_at.desc())
            .limit(HISTORY)
        )
    )
    contacts = session.scalars(
        select(Contact.name).where(Contact.client_id == client_id, Contact.phone == number)
    ).all()
    names = list(
        dict.fromkeys(
            [*contacts, *(a.patient_name for a in appointments), *(m.caller_name for m in messages)]
        )
    )
    return CallerCard(number, [n for n in names if n], appointments, messages, calls)

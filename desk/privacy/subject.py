"""RGPD: everything the desk holds about one caller or patient, exported, then erased.

A person is found by phone number (every form people type it in) or by name (3 letters or
more). Erasing keeps each row, and so every count statements rely on (calls per month,
messages taken, appointments booked), but leaves no personal data in it: names, numbers,
free text, recordings. Calendar feeds show the anonymised appointment at their next fetch
(the appointment's sequence is bumped). The audit trail records the erasure with counts only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.base.phone import InvalidPhoneNumber, normalise
from desk.models import Appointment, AuditEvent, Call, InboundSms, Message, Outbox

ERASED = "[effacé]"
ERASED_NUMBER = "anonymised"


@dataclass
class Subject:
    query: str
    phone: str | None
    name: str | None
    messages: list[Message] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    outbox: list[Outbox] = field(default_factory=list)
    inbound_sms: list[InboundSms] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "messages": len(self.messages),
            "calls": len(self.calls),
            "appointments": len(self.appointments),
            "outbox": len(self.outbox),
            "inbound_sms": len(self.inbound_sms),
        }


def _parse(query: str) -> tuple[str | None, str | None]:
    text = query.strip()
    digits = sum(c.isdigit() for c in text)
    if digits >= 6:
        try:
            return normalise(text), None
        except InvalidPhoneNumber:
            raise DomainError("phone_invalid", field="q", value=text) from None
    if len(text) < 3:
        raise DomainError("search_too_short", field="q")
    return None, text


def find(session: Session, query: str) -> Subject:
    phone, name = _parse(query)
    subject = Subject(query=query.strip(), phone=phone, name=name)
    like = f"%{name}%" if name else None
    message_match = (
        Message.caller_number == phone if phone else Message.caller_name.ilike(like or "")
    )
    subject.messages = list(
        session.scalars(select(Message).where(message_match).order_by(Message.id))
    )
    if phone:
        subject.calls = list(
            session.scalars(select(Call).where(Call.caller == phone).order_by(Call.id))
        )
        subject.inbound_sms = list(
            session.scalars(
                select(InboundSms).where(InboundSms.from_number == phone).order_by(InboundSms.id)
            )
        )
    appointment_match = (
        Appointment.patient_phone == phone if phone else Appointment.patient_name.ilike(like or "")
    )
    subject.appointments = list(
        session.scalars(select(Appointment).where(appointment_match).order_by(Appointment.id))
    )
    linked: list[ColumnElement[bool]] = [Outbox.message_id.in_([m.id for m in subject.messages])]
    linked.append(Outbox.appointment_id.in_([a.id for a in subject.appointments]))
    if phone:
        linked.append(Outbox.recipient == phone)
    subject.outbox = list(session.scalars(select(Outbox).where(or_(*linked)).order_by(Outbox.id)))
    return subject


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def export(subject: Subject) -> dict[str, Any]:
    """Every row about the person, as plain JSON (the file handed over on request)."""

    def rows(items: list[Any], columns: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{c: _iso(getattr(item, c)) for c in columns} for item in items]

    return {
        "query": subject.query,
        "messages": rows(
            subject.messages,
            (
                "id",
                "client_id",
                "created_at",
                "caller_name",
                "caller_number",
                "reason",
                "body",
                "transcription",
                "recording_url",
            ),
        ),
        "calls": rows(
            subject.calls,
            (
                "id",
                "client_id",
                "started_at",
                "caller",
                "forwarded_from",
                "outcome",
                "recording_url",
            ),
        ),
        "appointments": rows(
            subject.appointments,
            (
                "id",
                "client_id",
                "starts_at",
                "ends_at",
                "patient_name",
                "patient_phone",
                "notes",
                "status",
            ),
        ),
        "outbox": rows(
            subject.outbox, ("id", "channel", "recipient", "subject", "body", "state", "created_at")
        ),
        "inbound_sms": rows(subject.inbound_sms, ("id", "from_number", "body", "received_at")),
    }


def erase(session: Session, subject: Subject, now: datetime, actor: str) -> dict[str, int]:
    """Anonymise every row found; rows (and counts) stay. Returns the counts."""
    for m in subject.messages:
        m.caller_name, m.caller_number, m.reason, m.body = ERASED, None, "", ERASED
        m.transcription, m.recording_url = None, None
    for c in subject.calls:
        c.caller, c.forwarded_from, c.recording_url, c.recording_sid = (
            ERASED_NUMBER,
            None,
            None,
            None,
        )
    for a in subject.appointments:
        a.patient_name, a.patient_phone, a.notes = ERASED, None, ""
        a.sequence += 1
        a.updated_at = now
    for o in subject.outbox:
        o.body, o.html_body, o.subject = ERASED, None, ""
        if subject.phone and o.recipient == subject.phone:
            o.recipient = ERASED_NUMBER
    for s in subject.inbound_sms:
        s.from_number, s.body = ERASED_NUMBER, ERASED
    counts = subject.counts()
    session.add(
        AuditEvent(actor=actor, action="privacy.erase", object_type="person", detail=counts)
    )
    session.flush()
    return counts

"""Messages taken for clients: by a secretary on the desk, or left as a voicemail.

Taking a message writes the Message and its outbox rows in the caller's transaction;
the dispatcher sends them after commit (see desk.messages.notify for who gets what).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError, NotFound
from desk.base.phone import InvalidPhoneNumber, display, normalise
from desk.messages.notify import local_time, notify_contacts, notify_secretary
from desk.models import Call, Client, Message
from desk.models.states import MessageSource, Urgency

URGENCIES = tuple(Urgency)
NAME_MAX = 200
REASON_MAX = 200
BODY_MAX = 4000


class InvalidMessage(DomainError):
    """One or more fields are wrong; `errors` maps each field to its own error (a code)."""

    def __init__(self, errors: dict[str, DomainError]) -> None:
        field, first = next(iter(errors.items()))
        super().__init__(first.code, field, **first.params)
        self.errors = errors


def take_message(
    session: Session,
    *,
    client_id: int,
    body: str,
    caller_name: str = "",
    caller_number: str | None = None,
    reason: str = "",
    urgency: str = Urgency.NORMAL,
    call_id: int | None = None,
    taken_by_id: int | None = None,
    now: datetime,
) -> Message:
    """Validate and record a message for a client, and enqueue its notifications.

    Raises InvalidMessage (all the faults at once, by field) or NotFound (no such client).
    """
    client = session.get(Client, client_id)
    if client is None or not client.active:
        raise NotFound("client_not_found", "client_id")
    errors: dict[str, DomainError] = {}
    body = (body or "").strip()
    caller_name = " ".join((caller_name or "").split())
    reason = " ".join((reason or "").split())
    if not body:
        errors["body"] = DomainError("message_empty", "body")
    elif len(body) > BODY_MAX:
        errors["body"] = DomainError("message_too_long", "body", length=len(body), max=BODY_MAX)
    if len(caller_name) > NAME_MAX:
        errors["caller_name"] = DomainError("caller_name_too_long", "caller_name", max=NAME_MAX)
    if len(reason) > REASON_MAX:
        errors["reason"] = DomainError("reason_too_long", "reason", max=REASON_MAX)
    if urgency not in URGENCIES:
        errors["urgency"] = DomainError("urgency_invalid", "urgency")
    number: str | None = None
    if caller_number and caller_number.strip():
        try:
            number = normalise(caller_number)
        except InvalidPhoneNumber:
            errors["caller_number"] = DomainError("caller_number_invalid", "caller_number")
    if call_id is not None:
        call = session.get(Call, call_id)
        if call is None or call.client_id != client_id:
            errors["call_id"] = DomainError("call_not_of_client", "call_id")
    if errors:
        raise InvalidMessage(errors)
    message = Message(
        client_id=client_id,
        call_id=call_id,
        source=MessageSource.SECRETARY,
        caller_name=caller_name,
        caller_number=number,
        reason=reason,
        urgency=urgency,
        body=body,
        taken_by_id=taken_by_id,
        created_at=now,
    )
    session.add(message)
    session.flush()
    notify_contacts(session, client, message)
    return message


def record_voicemail(
    session: Session,
    call: Call,
    *,
    recording_url: str,
    duration_seconds: int | None,
    recording_sid: str | None = None,
    transcription: str | None = None,
) -> Message:
    """Turn a call's voicemail into a Message (once per call; a repeat returns the same one).

    Enqueues an SMS summary to the secretary on duty and the client's notifications per
    its delivery rules. A transcription arriving later (a repeat with `transcription`)
    fills the Message in without notifying again.
    """
    existing = session.scalar(
        select(Message).where(Message.call_id == call.id, Message.source == MessageSource.VOICEMAIL)
    )
    if existing is not None:
        if transcription and not existing.transcription:
            existing.transcription = transcription[:BODY_MAX]
        return existing
    if call.client_id is None:
        raise ValueError("a voicemail needs a client")
    client = session.get(Client, call.client_id)
    if client is None:
        raise NotFound("client_not_found")
    message = Message(
        client_id=call.client_id,
        call_id=call.id,
        source=MessageSource.VOICEMAIL,
        caller_number=call.caller or None,
        reason="Message vocal",
        body="",
        recording_url=recording_url,
        recording_duration=duration_seconds,
        transcription=transcription[:BODY_MAX] if transcription else None,
        created_at=call.ended_at or call.started_at,
    )
    session.add(message)
    session.flush()
    seconds = f" ({duration_seconds} s)" if duration_seconds else ""
    notify_secretary(
        session,
        call,
        client,
        kind="voicemail-summary",
        text=f"Message vocal pour {client.name} de {_caller(call)}{seconds}, "
        f"{local_time(client, message.created_at)}.",
        message_id=message.id,
    )
    notify_contacts(session, client, message)
    return message


def notify_missed_call(session: Session, call: Call) -> None:
    """A call nobody answered and no voicemail was left: tell the secretary on duty (once)."""
    if call.client_id is None:
        return
    client = session.get(Client, call.client_id)
    if client is None:
        return
    notify_secretary(
        session,
        call,
        client,
        kind="missed-call",
        text=f"Appel manqué pour {client.name} de {_caller(call)}, "
        f"{local_time(client, call.started_at)}.",
        message_id=None,
    )


def _caller(call: Call) -> str:
    try:
        return display(normalise(call.caller))
    except InvalidPhoneNumber:
        return "numéro masqué"

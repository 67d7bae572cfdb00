"""Messages taken for clients: by a secretary on the desk, or left as a voicemail."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import Call, Message


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

    The messages issue adds the notifications (SMS summary to the secretary on duty and
    to the client) here, so every caller of this function gets them.
    """
    existing = session.scalar(
        select(Message).where(Message.call_id == call.id, Message.source == "voicemail")
    )
    if existing is not None:
        return existing
    if call.client_id is None:
        raise ValueError("a voicemail needs a client")
    message = Message(
        client_id=call.client_id,
        call_id=call.id,
        source="voicemail",
        caller_number=call.caller,
        reason="Message vocal",
        body="",
        recording_url=recording_url,
        recording_duration=duration_seconds,
        transcription=transcription,
    )
    session.add(message)
    session.flush()
    return message


def notify_missed_call(session: Session, call: Call) -> None:
    """A call nobody answered and no voicemail was left: tell the secretary on duty.

    Called by the voice webhooks when a call closes as missed; the messages issue fills it.
    """

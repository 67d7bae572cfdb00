"""The outbox: every SMS and e-mail is a row written in the transaction that decided it,
and sent after commit by the dispatcher (never inside a request).

`WAKE` wakes the in-process dispatcher (`desk run`) so a row goes out right after its
commit instead of at the next scheduler tick; it is called automatically after any
commit of a session that enqueued something, and does nothing when no dispatcher runs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk.base.wake_after_commit import WakeAfterCommit
from desk.models import Outbox, OutboxAttachment
from desk.models.states import Channel, OutboxState

CHANNELS = tuple(Channel)
# Its in-process worker (`desk run`) is woken when a transaction that queued work commits.
WAKE = WakeAfterCommit("outbox")


def enqueue(
    session: Session,
    *,
    channel: str,
    recipient: str,
    body: str,
    kind: str,
    subject: str = "",
    html_body: str | None = None,
    client_id: int | None = None,
    message_id: int | None = None,
    appointment_id: int | None = None,
    dedupe_key: str | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> Outbox:
    """Add one SMS (`channel="sms"`, recipient E.164) or e-mail to send after commit.

    With `dedupe_key` (e.g. `f"reminder:{appointment.id}"`), enqueueing the same key
    twice returns the first row instead of adding a second: one send per key, even when
    two processes race (the key is unique in the database). `attachments` are
    (filename, content type, bytes) sent with an e-mail.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if not recipient:
        raise ValueError("an outbox row needs a recipient")
    if dedupe_key is not None:
        existing = session.scalar(select(Outbox).where(Outbox.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    row = Outbox(
        channel=channel,
        recipient=recipient,
        body=body,
        kind=kind,
        subject=subject,
        html_body=html_body,
        client_id=client_id,
        message_id=message_id,
        appointment_id=appointment_id,
        dedupe_key=dedupe_key,
    )
    row.attachments = [
        OutboxAttachment(filename=name, content_type=kind, data=data)
        for name, kind, data in attachments or ()
    ]
    if dedupe_key is None:
        session.add(row)
    else:
        # A savepoint, so losing the race to another process leaves the caller's
        # transaction usable.
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            existing = session.scalar(select(Outbox).where(Outbox.dedupe_key == dedupe_key))
            if existing is None:
                raise
            return existing
    WAKE.mark(session)
    return row


# Twilio's message statuses, as our states. Their order is the order of a message's life,
# so a callback that arrives late (sent after delivered) never moves a row backwards.
TWILIO_STATES = {
    "accepted": OutboxState.SENT,
    "scheduled": OutboxState.SENT,
    "queued": OutboxState.SENT,
    "sending": OutboxState.SENT,
    "sent": OutboxState.SENT,
    "delivered": OutboxState.DELIVERED,
    "read": OutboxState.DELIVERED,
    "undelivered": OutboxState.UNDELIVERED,
    "failed": OutboxState.FAILED,
    "canceled": OutboxState.FAILED,
}
_RANK: dict[str, int] = {OutboxState.PENDING: 0, OutboxState.SENDING: 1, OutboxState.SENT: 2}
TERMINAL = frozenset(
    {OutboxState.DELIVERED, OutboxState.UNDELIVERED, OutboxState.FAILED, OutboxState.SKIPPED}
)


def record_status(
    session: Session,
    *,
    provider_id: str,
    status: str,
    now: datetime,
    error_code: str | None = None,
    outbox_id: int | None = None,
) -> Outbox | None:
    """Apply a provider's delivery report; repeats and late arrivals change nothing.

    The row is found by the provider's id, or by `outbox_id` (carried in the status
    callback URL) when the report beats the dispatcher recording that id.
    """
    state = TWILIO_STATES.get(status)
    if not provider_id:
        return None
    row = session.scalar(select(Outbox).where(Outbox.provider_id == provider_id).limit(1))
    if row is None and outbox_id is not None:
        candidate = session.get(Outbox, outbox_id)
        if candidate is not None and candidate.provider_id in (None, provider_id):
            row = candidate
    if row is None or state is None:
        return row
    if row.provider_id is None:
        row.provider_id = provider_id[:64]
    if row.state in TERMINAL or _RANK.get(state, 3) <= _RANK.get(row.state, 0):
        return row
    row.state = state
    if state == OutboxState.DELIVERED:
        row.delivered_at = now
    elif state in (OutboxState.UNDELIVERED, OutboxState.FAILED):
        row.last_error = f"Twilio {status}" + (f" (erreur {error_code})" if error_code else "")
    if row.sent_at is None:
        row.sent_at = now
    return row

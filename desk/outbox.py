"""The outbox: every SMS and e-mail is a row written in the transaction that decided it,
and sent after commit by the dispatcher (never inside a request)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desk.models import Outbox


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
) -> Outbox:
    """Add one SMS (`channel="sms"`, recipient E.164) or e-mail to send after commit."""
    if channel not in ("sms", "email"):
        raise ValueError(f"unknown channel {channel!r}")
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
    )
    session.add(row)
    return row

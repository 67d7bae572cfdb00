"""Idempotency receipts of the voice and SMS webhooks, purged once no retry can come."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from desk.models import WebhookReceipt

# Twilio retries a webhook within minutes; a week of receipts is plenty to replay them.
RECEIPT_RETENTION = timedelta(days=7)


def purge_webhook_receipts(session: Session, now: datetime) -> int:
    """Forget the replies kept for Twilio's retries once no retry can come."""
    result = session.execute(
        delete(WebhookReceipt).where(WebhookReceipt.created_at < now - RECEIPT_RETENTION)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]

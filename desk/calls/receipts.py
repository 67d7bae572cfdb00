"""Sweeps that keep the desk honest: upcoming rota gaps told to the admins, old
idempotency receipts purged."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desk.models import Client, Outbox, User, WebhookReceipt
from desk.outbox.queue import enqueue
from desk.rota import gaps

GAP_HORIZON = timedelta(days=7)
# Twilio retries a webhook within minutes; a week of receipts is plenty to replay them.
RECEIPT_RETENTION = timedelta(days=7)
DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def alert_upcoming_gaps(session: Session, now: datetime, horizon: timedelta = GAP_HORIZON) -> int:
    """E-mail every admin once per gap (covered time with nobody on duty) in the horizon.

    Each gap is one outbox row per admin, keyed by client and interval: the hourly sweep
    finds the same gap again and sends nothing twice; a gap that changes is a new gap.
    Returns how many new e-mails were queued.
    """
    admins = [
        email
        for email in session.scalars(
            select(User.email).where(User.role == "admin", User.active.is_(True))
        )
        if email
    ]
    if not admins:
        return 0
    before = _gap_alert_count(session)
    for client in session.scalars(select(Client).where(Client.active.is_(True))):
        tz = ZoneInfo(client.timezone)
        for gap in gaps(session, client, now, now + horizon):
            start, end = gap.start.astimezone(tz), gap.end.astimezone(tz)
            when = f"{DAYS[start.weekday()]} {start:%d/%m %H:%M}–{end:%H:%M}"
            subject = f"Planning : personne de garde pour {client.name}, {when}"
            body = (
                f"Personne n'est de garde pour {client.name} le {when} "
                f"({gap.minutes} min) : les appels iront aux partenaires ou en messagerie.\n"
                "Ajoutez un remplacement dans le planning (Planning → la semaine concernée)."
            )
            for email in admins:
                key = f"gap:{client.id}:{gap.start.isoformat()}:{gap.end.isoformat()}:{email}"
                enqueue(
                    session,
                    channel="email",
                    recipient=email,
                    subject=subject,
                    body=body,
                    kind="gap-alert",
                    client_id=client.id,
                    dedupe_key=key,
                )
    return _gap_alert_count(session) - before


def _gap_alert_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(Outbox.kind == "gap-alert")) or 0


def purge_webhook_receipts(session: Session, now: datetime) -> int:
    """Forget the replies kept for Twilio's retries once no retry can come."""
    result = session.execute(
        delete(WebhookReceipt).where(WebhookReceipt.created_at < now - RECEIPT_RETENTION)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]

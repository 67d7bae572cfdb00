"""Rota gaps told to the admins: every covered stretch of the coming week with nobody on
duty, e-mailed once per gap and admin, in her language (the hourly housekeeping job)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.base.words import gettext_for, supported
from desk.models import Client, Outbox, User
from desk.outbox.queue import enqueue
from desk.rota.gaps import gaps

GAP_HORIZON = timedelta(days=7)


def alert_upcoming_gaps(
    session: Session, now: datetime, horizon: timedelta = GAP_HORIZON, base_url: str = ""
) -> int:
    """E-mail every admin once per gap (covered time with nobody on duty) in the horizon,
    in her language (`User.locale`, French when unset); with `base_url`, a link to the
    rota's week, where the gap is offered to the network (*Proposer au réseau*).

    Each gap is one outbox row per admin, keyed by client and interval: the hourly sweep
    finds the same gap again and sends nothing twice; a gap that changes is a new gap.
    Returns how many new e-mails were queued.
    """
    admins = [
        (email, supported(locale))
        for email, locale in session.execute(
            select(User.email, User.locale).where(User.role == "admin", User.active.is_(True))
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
            for email, locale in admins:
                subject, body = gap_alert(client.name, start, end, gap.minutes, locale)
                if base_url:
                    monday = start.date() - timedelta(days=start.weekday())
                    url = f"{base_url.rstrip('/')}/desk/rota/?client={client.id}&week={monday}"
                    _ = gettext_for(locale)
                    body += "\n" + _("Offer it to the network: %(url)s") % {"url": url}
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


def gap_alert(
    client: str, start: datetime, end: datetime, minutes: int, locale: str
) -> tuple[str, str]:
    """(subject, body) of a gap alert in the admin's language; `start` and `end` local."""
    _ = gettext_for(locale)
    when = f"{format_date(start, 'EEE', locale=locale)} {start:%d/%m %H:%M}–{end:%H:%M}"
    params = {"client": client, "when": when, "minutes": minutes}
    subject = _("Rota: nobody on duty for %(client)s, %(when)s") % params
    body = (
        _(
            "Nobody is on duty for %(client)s on %(when)s (%(minutes)s min): calls will go "
            "to the partners or to voicemail."
        )
        % params
        + "\n"
        + _("Add a replacement in the rota (Rota → the week concerned).")
    )
    return subject, body


def _gap_alert_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(Outbox.kind == "gap-alert")) or 0

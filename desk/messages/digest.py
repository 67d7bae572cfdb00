"""The end-of-coverage digest: one SMS and one e-mail per client and coverage window,
listing the messages taken and the bookings made (nothing when there is nothing to say).

Windows come from `desk.rota.coverage` (the same expansion as routing). A digest is claimed
by the outbox's unique `dedupe_key` (`digest:<client>:<window end>:…`), and its messages
by `digested_at` (compare-and-set), so a second scheduler or a rerun sends nothing twice.
A message taken outside any window (an evening voicemail) goes in the next digest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import escape
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk.base.wall_time import local_date
from desk.base.words import gettext_for, supported
from desk.messages.notify import caller_label, enqueue_for_contacts, local_time, reason_label
from desk.models import Appointment, Client, Message, Outbox, Practitioner
from desk.models.states import AppointmentStatus, MessageSource, Urgency
from desk.outbox.sms_text import clean, shorten
from desk.rota.coverage import CoverageRules

LOOKBACK = timedelta(days=2)  # windows that ended while the scheduler was down
OLDEST_MESSAGE = timedelta(days=7)
SMS_LIMIT = 450  # three GSM-7 segments at most


@dataclass(frozen=True)
class Booking:
    starts_at: datetime
    practitioner: str
    patient: str


def ended_windows(
    session: Session, client: Client, now: datetime
) -> list[tuple[datetime, datetime]]:
    """UTC (start, end) of the client's covered stretches that ended in (now - LOOKBACK, now].

    The same expansion as routing and the rota page (`CoverageRules.intervals`), so a
    closure or a closed public holiday sends no digest and a covered holiday sends one.
    """
    tz = ZoneInfo(client.timezone)
    since = now - LOOKBACK
    # Wide enough that a stretch ending in the lookback is seen whole, not clipped.
    start, end = since - timedelta(days=2), now + timedelta(days=2)
    rules = CoverageRules.load(session, client, local_date(start, tz), local_date(end, tz))
    return [(s, e) for s, e in rules.intervals(start, end) if since < e <= now]


def send_due_digests(session: Session, now: datetime) -> int:
    """Enqueue the digests of every window that has ended; returns the rows enqueued."""
    count = 0
    for client in session.scalars(select(Client).where(Client.active.is_(True))):
        for start, end in ended_windows(session, client, now):
            count += len(digest_window(session, client, start, end, now))
    return count


def digest_window(
    session: Session, client: Client, start: datetime, end: datetime, now: datetime
) -> list[Outbox]:
    key = f"digest:{client.id}:{end.isoformat()}"
    if session.scalar(select(Outbox.id).where(Outbox.dedupe_key.startswith(key)).limit(1)):
        return []
    recipients = [c for c in client.contacts if not c.urgent_only]
    if not recipients:
        return []
    messages = list(
        session.scalars(
            select(Message)
            .where(Message.client_id == client.id, Message.digested_at.is_(None))
            .where(Message.source != MessageSource.SMS)  # the client's own replies
            .where(Message.created_at < end, Message.created_at >= end - OLDEST_MESSAGE)
            .order_by(Message.created_at)
        )
    )
    bookings = [
        Booking(a.starts_at, p.name, a.patient_name)
        for a, p in session.execute(
            select(Appointment, Practitioner)
            .join(Practitioner, Practitioner.id == Appointment.practitioner_id)
            .where(
                Appointment.client_id == client.id, Appointment.status == AppointmentStatus.BOOKED
            )
            .where(Appointment.created_at >= start, Appointment.created_at < end)
            .order_by(Appointment.starts_at)
        )
    ]
    if not messages and not bookings:
        return []
    if messages:
        session.execute(
            update(Message)
            .where(Message.id.in_([m.id for m in messages]), Message.digested_at.is_(None))
            .values(digested_at=now)
            .execution_options(synchronize_session=False)
        )
    return enqueue_for_contacts(
        session,
        recipients,
        sms=digest_sms(client, start, end, messages, bookings),
        email=digest_email(client, start, end, messages, bookings),
        kind="digest",
        client_id=client.id,
        dedupe_key=key,
    )


def _hm(client: Client, at: datetime) -> str:
    return at.astimezone(ZoneInfo(client.timezone)).strftime("%H:%M")


def _span(client: Client, start: datetime, end: datetime) -> str:
    day = start.astimezone(ZoneInfo(client.timezone)).strftime("%d/%m")
    return f"{day} {_hm(client, start)}-{_hm(client, end)}"


def digest_sms(
    client: Client, start: datetime, end: datetime, messages: list[Message], bookings: list[Booking]
) -> str:
    """The digest's SMS, in the client's language."""
    _ = gettext_for(client.locale)
    text = _(
        "%(client)s, coverage %(span)s: %(messages)s message(s), %(bookings)s appointment(s) "
        "booked."
    ) % {
        "client": client.name,
        "span": _span(client, start, end),
        "messages": len(messages),
        "bookings": len(bookings),
    }
    lines = []
    for m in messages:
        about = shorten(reason_label(m, _) or m.body or m.transcription or "", 60)
        caller = f"{_hm(client, m.created_at)} {caller_label(m, client.locale)}"
        if about:
            caller = _("%(label)s: %(value)s") % {"label": caller, "value": about}
        lines.append(caller)
    for i, line in enumerate(lines):
        rest = " " + _("+%(count)s more, details by e-mail.") % {"count": len(lines) - i}
        if len(text) + len(line) + 2 + len(rest) > SMS_LIMIT:
            text += rest
            break
        text += f" {line}."
    return clean(text)


def digest_email(
    client: Client, start: datetime, end: datetime, messages: list[Message], bookings: list[Booking]
) -> tuple[str, str, str]:
    """(subject, plain text, HTML) in the client's language: every user-typed text is
    escaped in the HTML part."""
    _ = gettext_for(client.locale)
    span = _span(client, start, end)
    subject = _("%(client)s: coverage of %(span)s") % {"client": client.name, "span": span}
    msg_rows = [
        (
            _hm(client, m.created_at),
            caller_label(m, client.locale),
            _("URGENT") if m.urgency == Urgency.URGENT else "",
            " - ".join(p for p in (reason_label(m, _), m.body, m.transcription or "") if p),
        )
        for m in messages
    ]
    book_rows = [(local_time(client, b.starts_at), b.practitioner, b.patient) for b in bookings]
    messages_head = _("Messages (%(count)s)") % {"count": len(msg_rows)}
    bookings_head = _("Appointments booked (%(count)s)") % {"count": len(book_rows)}
    none = _("none")
    text = [_("Coverage of %(span)s") % {"span": span}, ""]
    text += [_("%(head)s:") % {"head": messages_head}]
    text += [" | ".join(p for p in row if p) for row in msg_rows] or [none]
    text += ["", _("%(head)s:") % {"head": bookings_head}]
    text += [" | ".join(row) for row in book_rows] or [none]

    def table(rows: Sequence[tuple[str, ...]]) -> str:
        if not rows:
            return f"<p>{escape(none)}</p>"
        cells = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
        )
        return f"<table>{cells}</table>"

    html = (
        f"<html lang='{supported(client.locale)}'><body><h1>{escape(subject)}</h1>"
        f"<h2>{escape(messages_head)}</h2>{table(msg_rows)}"
        f"<h2>{escape(bookings_head)}</h2>{table(book_rows)}"
        "</body></html>"
    )
    return subject, "\n".join(text) + "\n", html

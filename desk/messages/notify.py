"""Who hears about a message, and the words they get (SMS in French, short; e-mail in two parts).

Rules (issue 4): urgent -> at once; normal -> at once or in the end-of-coverage digest,
as the client chose (`Client.message_delivery`). A contact marked `urgent_only` hears
only of urgent messages. The secretary on duty gets a summary of each voicemail and
missed call. Every text goes through the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.phone import display
from desk.models import Call, Client, Contact, Message, Outbox, Secretary
from desk.models.states import Channel, MessageSource, Urgency
from desk.outbox.queue import enqueue
from desk.outbox.sms_text import clean, shorten

# Two GSM-7 segments at most for a message SMS: enough to call back, cheap to send.
SMS_BODY_LIMIT = 300


def local_time(client: Client, at: datetime) -> str:
    return at.astimezone(ZoneInfo(client.timezone)).strftime("%d/%m %H:%M")


def caller_label(message: Message) -> str:
    parts = [message.caller_name.strip()]
    if message.caller_number:
        parts.append(display(message.caller_number))
    return " ".join(p for p in parts if p) or "numéro masqué"


def message_sms(client: Client, message: Message) -> str:
    """The SMS a client's contact gets for one message."""
    head = "URGENT " if message.urgency == Urgency.URGENT else ""
    if message.source == MessageSource.VOICEMAIL:
        seconds = f" ({message.recording_duration} s)" if message.recording_duration else ""
        text = f"{head}{client.name} : message vocal de {caller_label(message)}{seconds}"
        detail = message.transcription or ""
    else:
        text = f"{head}{client.name} : message de {caller_label(message)}"
        detail = " - ".join(p for p in (message.reason, message.body) if p)
    text += f", {local_time(client, message.created_at)}."
    if detail:
        text += " " + shorten(detail, max(40, SMS_BODY_LIMIT - len(text) - 1))
    return clean(text)


def message_email(client: Client, message: Message) -> tuple[str, str, str]:
    """(subject, plain text, HTML) for one message. User text is escaped in the HTML."""
    kind = "Message vocal" if message.source == MessageSource.VOICEMAIL else "Message"
    urgent = "URGENT - " if message.urgency == Urgency.URGENT else ""
    subject = f"{urgent}{kind} pour {client.name} : {caller_label(message)}"
    rows = [
        ("Appelant", caller_label(message)),
        ("Reçu le", local_time(client, message.created_at)),
        ("Motif", message.reason),
        ("Message", message.body),
        ("Transcription", message.transcription or ""),
    ]
    if message.recording_duration:
        rows.append(("Durée", f"{message.recording_duration} s"))
    rows = [(k, v) for k, v in rows if v]
    text = "\n".join(f"{k} : {v}" for k, v in rows) + "\n"
    html = (
        "<html><body><table>"
        + "".join(
            f"<tr><th align='left'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows
        )
        + "</table></body></html>"
    )
    return subject, text, html


def contacts_for(client: Client, message: Message) -> list[Contact]:
    """Contacts to tell now; empty for a normal message of a digest client."""
    urgent = message.urgency == Urgency.URGENT
    if not urgent and client.message_delivery == "digest":
        return []
    return [c for c in client.contacts if urgent or not c.urgent_only]


def notify_contacts(session: Session, client: Client, message: Message) -> list[Outbox]:
    """Enqueue the SMS and e-mails a new message calls for (once per recipient)."""
    contacts = contacts_for(client, message)
    if not contacts:
        return []
    return enqueue_for_contacts(
        session,
        contacts,
        sms=message_sms(client, message),
        email=message_email(client, message),
        kind="message",
        client_id=client.id,
        message_id=message.id,
        dedupe_key=f"message:{message.id}",
    )


def enqueue_for_contacts(
    session: Session,
    contacts: Sequence[Contact],
    *,
    sms: str,
    email: tuple[str, str, str],
    kind: str,
    client_id: int,
    dedupe_key: str,
    message_id: int | None = None,
) -> list[Outbox]:
    """One SMS and one e-mail (`email` is subject, text, HTML) per contact, by the
    channels each chose; the outbox key is `<dedupe_key>:<channel>:<address>`."""
    rows: list[Outbox] = []
    subject, text, html = email
    for contact in contacts:
        if contact.receives_sms and contact.phone:
            rows.append(
                enqueue(
                    session,
                    channel=Channel.SMS,
                    recipient=contact.phone,
                    body=sms,
                    kind=kind,
                    client_id=client_id,
                    message_id=message_id,
                    dedupe_key=f"{dedupe_key}:sms:{contact.phone}",
                )
            )
        if contact.receives_email and contact.email:
            rows.append(
                enqueue(
                    session,
                    channel="email",
                    recipient=contact.email,
                    subject=subject,
                    body=text,
                    html_body=html,
                    kind=kind,
                    client_id=client_id,
                    message_id=message_id,
                    dedupe_key=f"{dedupe_key}:email:{contact.email}",
                )
            )
    return rows


def secretary_on_duty(session: Session, call: Call) -> Secretary | None:
    """The secretary who handled the call, else the first of its responder plan.

    The plan is a list of steps, each the ids rung together (desk/calls/new_call.py).
    """
    planned = [secretary_id for step in call.plan or [] for secretary_id in step]
    for secretary_id in [call.handled_by_id, *planned]:
        if isinstance(secretary_id, int):
            secretary = session.get(Secretary, secretary_id)
            if secretary is not None and secretary.active:
                return secretary
    return None


def notify_secretary(
    session: Session, call: Call, client: Client, *, kind: str, text: str, message_id: int | None
) -> Outbox | None:
    secretary = secretary_on_duty(session, call)
    if secretary is None or not secretary.phone:
        return None
    return enqueue(
        session,
        channel=Channel.SMS,
        recipient=secretary.phone,
        body=clean(text),
        kind=kind,
        client_id=client.id,
        message_id=message_id,
        dedupe_key=f"{kind}:{call.id}",
    )


def delivery_states(session: Session, message_id: int) -> list[Outbox]:
    """Each SMS and e-mail sent about a message, with its state (the desk shows them)."""
    return list(
        session.scalars(select(Outbox).where(Outbox.message_id == message_id).order_by(Outbox.id))
    )

"""SMS received on a desk number: opt-outs, keywords, and replies to summaries.

`handle_inbound()` is what `POST /webhooks/sms/incoming` calls. In order:
1. once per MessageSid (Twilio retries a webhook that timed out);
2. STOP and its French forms (ARRET, ARRÊT, STOP SMS, DESABONNER…) opt the number out
   of every later send; START/ARRIVEE… opt back in;
3. a registered keyword (ANNULER, wired by the appointments area) answers;
4. anything else is attached to the client's message log as a Message (source "sms").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desk.base.phone import InvalidPhoneNumber, normalise
from desk.base.words import N_, gettext_for, supported
from desk.models import Client, Contact, DeskNumber, InboundSms, Message, OptOut
from desk.models.states import MessageSource
from desk.outbox.dispatch import remember_opt_out

# (session, from_number, to_number, body, now) -> the reply text, or None for no reply.
KeywordHandler = Callable[[Session, str, str, str, datetime], "str | None"]

# Carrier and Twilio opt-out words (Twilio blocks sends to these itself), and French ones.
OPT_OUT_WORDS = frozenset(
    {
        "STOP",
        "STOP SMS",
        "STOPSMS",
        "STOPALL",
        "ARRET",
        "ARRETER",
        "ARRET SMS",
        "DESABONNER",
        "DESINSCRIRE",
        "DESINSCRIPTION",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
    }
)
OPT_IN_WORDS = frozenset({"START", "UNSTOP", "ABONNER", "REPRENDRE"})
# Said in the language of the client whose number or contact the SMS concerns.
OPT_OUT_REPLY = N_(
    "You will no longer receive SMS from this desk. Send START to receive them again."
)
OPT_IN_REPLY = N_("You will receive SMS from this desk again.")

_keywords: dict[str, KeywordHandler] = {}


def keyword_of(body: str) -> str:
    """The text as a keyword: upper case, accents and punctuation dropped, spaces single."""
    text = unicodedata.normalize("NFKD", body)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = "".join(ch if ch.isalnum() else " " for ch in text.upper())
    return " ".join(text.split())


def register_keyword(word: str, handler: KeywordHandler) -> None:
    """Answer SMS whose first word is `word` (ANNULER…) with `handler`.

    Matching ignores case and accents. Never register CANCEL or STOP: carriers treat them
    as opt-outs.
    """
    key = keyword_of(word)
    if key in OPT_OUT_WORDS or key in OPT_IN_WORDS:
        raise ValueError(f"{word!r} is an opt-out or opt-in word")
    _keywords[key] = handler


def unregister_keyword(word: str) -> None:
    _keywords.pop(keyword_of(word), None)


def _number(raw: str) -> str:
    try:
        return normalise(raw)
    except InvalidPhoneNumber:
        return raw.strip()[:32]  # short codes and alphanumeric senders stay as they are


def client_for(session: Session, from_number: str, to_number: str) -> int | None:
    """Whose log an inbound SMS belongs to: the client owning the desk number it was sent
    to; sent to another of our numbers (the desk's own sender), the client whose contact
    the sender is when exactly one client has that contact; else nobody: it waits in the
    desk's inbox (`client_id` NULL) for a secretary to assign.

    Never the client that last texted the sender: a patient of two practices writing to
    the second one's number reached the first one's portal (issue 26).
    """
    owner = session.scalar(select(DeskNumber.client_id).where(DeskNumber.number == to_number))
    if owner is not None:
        return owner
    clients = session.scalars(
        select(Contact.client_id).where(Contact.phone == from_number).distinct().limit(2)
    ).all()
    return clients[0] if len(clients) == 1 else None


def handle_inbound(
    session: Session,
    *,
    message_sid: str,
    from_number: str,
    to_number: str,
    body: str,
    now: datetime,
) -> str | None:
    """Store and act on one inbound SMS; return the reply text (None: say nothing)."""
    if session.scalar(select(InboundSms.id).where(InboundSms.message_sid == message_sid)):
        return None  # a retry of one we handled: act once
    sender = _number(from_number)
    desk_number = _number(to_number)
    client_id = client_for(session, sender, desk_number)
    session.add(
        InboundSms(
            message_sid=message_sid[:64],
            from_number=sender,
            to_number=desk_number,
            body=body,
            client_id=client_id,
            received_at=now,
        )
    )
    session.flush()
    word = keyword_of(body)
    if word in OPT_OUT_WORDS:
        remember_opt_out(session, sender, word, now)
        return _reply(session, client_id, OPT_OUT_REPLY)
    if word in OPT_IN_WORDS:
        removed = session.execute(delete(OptOut).where(OptOut.number == sender))
        if not removed.rowcount:  # type: ignore[attr-defined]
            return None
        return _reply(session, client_id, OPT_IN_REPLY)
    first = word.split(" ", 1)[0] if word else ""
    handler = _keywords.get(word) or _keywords.get(first)
    if handler is not None:
        return handler(session, sender, desk_number, body, now)
    if client_id is not None and body.strip():
        # A reply is part of the client's log; it notifies nobody (no SMS ping-pong).
        session.add(
            Message(
                client_id=client_id,
                source=MessageSource.SMS,
                caller_number=sender,
                reason="Réponse SMS",  # stored as before; readers see `reason_label`
                body=body.strip(),
                created_at=now,
            )
        )
    return None


def _reply(session: Session, client_id: int | None, msgid: str) -> str:
    """`msgid` in the client's language (the desk's default when no client is known)."""
    locale = (
        session.scalar(select(Client.locale).where(Client.id == client_id)) if client_id else None
    )
    return gettext_for(supported(locale))(msgid)

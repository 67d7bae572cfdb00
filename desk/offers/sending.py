"""The offer's messages, through the outbox in each person's language: the link (SMS and
e-mail, wave by wave), "taken" to the others, the winner's confirmation, and a
withdrawal. SMS are held to the morning in quiet hours, as reminders are; e-mails go at
once (they wake no one).

Each link is sent once: the sweep claims a recipient by compare-and-set on `sent_at`, so
two schedulers never send one twice; only the token's hash is kept.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk.base.words import WORDS, gettext_for, supported
from desk.models import Client, Offer, OfferRecipient, OfferState, Outbox, Secretary
from desk.models.states import Channel, OutboxState
from desk.offers.making import audit
from desk.offers.pay import pay_words, share_of
from desk.outbox.queue import enqueue
from desk.outbox.sms_text import clean
from scheduling.change_notices import not_before

KIND = "offer"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def locale_of(secretary: Secretary) -> str:
    return supported((secretary.languages or "fr").split(",")[0].strip())


def when_words(offer: Offer, client: Client, locale: str) -> str:
    """ "14/01, 12:00 to 14:00" in the client's local time, in `locale`."""
    zone = ZoneInfo(client.timezone)
    start, end = offer.starts_at.astimezone(zone), offer.ends_at.astimezone(zone)
    return gettext_for(locale)(WORDS["offer_when"]) % {
        "day": f"{start:%d/%m/%Y}",
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
    }


def _words(code: str, locale: str, **params: object) -> str:
    return gettext_for(locale)(WORDS[code]) % params


def _pay(session: Session, client: Client, person: Secretary, offer: Offer, locale: str) -> str:
    return pay_words(share_of(session, client, person.id, offer.starts_at), gettext_for(locale))


def _sms(
    session: Session, person: Secretary, client: Client, body: str, key: str, now: datetime
) -> None:
    row = enqueue(
        session,
        channel=Channel.SMS,
        recipient=person.phone,
        body=clean(body),
        kind=KIND,
        client_id=client.id,
        dedupe_key=key,
    )
    row.next_attempt_at = not_before(now, ZoneInfo(client.timezone))


def _email(
    session: Session, person: Secretary, client: Client, subject: str, body: str, key: str
) -> None:
    if person.email:
        enqueue(
            session,
            channel=Channel.EMAIL,
            recipient=person.email,
            subject=subject,
            body=body,
            kind=KIND,
            client_id=client.id,
            dedupe_key=key,
        )


def send_link(
    session: Session, recipient: OfferRecipient, offer: Offer, now: datetime, base_url: str
) -> str | None:
    """Claim `recipient` and send her link; the token, or None when already sent."""
    claimed = session.execute(
        update(OfferRecipient)
        .where(OfferRecipient.id == recipient.id, OfferRecipient.sent_at.is_(None))
        .values(sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    token = secrets.token_urlsafe(32)
    recipient.token_hash = token_hash(token)
    recipient.sent_at = now
    person = session.get(Secretary, recipient.secretary_id)
    client = session.get(Client, offer.client_id)
    assert person is not None and client is not None
    locale = locale_of(person)
    params = {
        "client": client.name,
        "when": when_words(offer, client, locale),
        "link": f"{base_url.rstrip('/')}/offers/{token}",
        "name": person.name,
        "pay": pay_words(
            share_of(session, client, person.id, offer.starts_at), gettext_for(locale)
        ),
    }
    key = f"offer:{offer.id}:{person.id}"
    _sms(session, person, client, _words("offer_sms", locale, **params), f"{key}:sms", now)
    _email(
        session,
        person,
        client,
        _words("offer_email_subject", locale, **params),
        _words("offer_email_body", locale, **params),
        f"{key}:email",
    )
    audit(session, "offer.send", offer.id, now, secretary_id=person.id, wave=recipient.wave)
    return token


def send_due(session: Session, now: datetime, base_url: str, offer_id: int | None = None) -> int:
    """Send every link whose wave is due, of open offers not started yet; how many."""
    query = (
        select(OfferRecipient, Offer)
        .join(Offer, Offer.id == OfferRecipient.offer_id)
        .where(OfferRecipient.sent_at.is_(None), OfferRecipient.due_at <= now)
        .where(Offer.state == OfferState.OPEN, Offer.starts_at > now)
        .order_by(OfferRecipient.due_at, OfferRecipient.id)
    )
    if offer_id is not None:
        query = query.where(Offer.id == offer_id)
    sent = 0
    for recipient, offer in session.execute(query).all():
        if send_link(session, recipient, offer, now, base_url) is not None:
            sent += 1
    session.flush()
    return sent


def _received(session: Session, offer: Offer, but: int | None) -> list[Secretary]:
    query = (
        select(Secretary)
        .join(OfferRecipient, OfferRecipient.secretary_id == Secretary.id)
        .where(OfferRecipient.offer_id == offer.id, OfferRecipient.sent_at.isnot(None))
        .order_by(Secretary.id)
    )
    if but is not None:
        query = query.where(Secretary.id != but)
    return list(session.scalars(query))


def hold_back_links(session: Session, offer: Offer) -> int:
    """Links of `offer` still waiting in the outbox (held in quiet hours) never go once
    it is taken or withdrawn: a link to a filled mission is only noise. How many."""
    held = session.execute(
        update(Outbox)
        .where(
            Outbox.dedupe_key.like(f"offer:{offer.id}:%"),
            Outbox.state == OutboxState.PENDING,
        )
        .values(state=OutboxState.SKIPPED, last_error="offer closed before it was sent")
        .execution_options(synchronize_session=False)
    )
    return int(held.rowcount or 0)  # type: ignore[attr-defined]


def tell_taken(session: Session, offer: Offer, winner: Secretary, now: datetime) -> None:
    """The winner's confirmation (with the fiche's essentials); "taken" to the others."""
    client = session.get(Client, offer.client_id)
    assert client is not None
    hold_back_links(session, offer)
    locale = locale_of(winner)
    params = {
        "client": client.name,
        "when": when_words(offer, client, locale),
        "name": winner.name,
        "line": client.own_line or "-",
        "fiche": client.fiche or "-",
        "pay": pay_words(
            share_of(session, client, winner.id, offer.starts_at), gettext_for(locale)
        ),
    }
    key = f"offer-won:{offer.id}:{winner.id}"
    _sms(session, winner, client, _words("offer_won_sms", locale, **params), f"{key}:sms", now)
    _email(
        session,
        winner,
        client,
        _words("offer_won_email_subject", locale, **params),
        _words("offer_won_email_body", locale, **params),
        f"{key}:email",
    )
    for person in _received(session, offer, but=winner.id):
        text = _words(
            "offer_taken_notice",
            locale_of(person),
            client=client.name,
            when=when_words(offer, client, locale_of(person)),
        )
        _sms(session, person, client, text, f"offer-taken:{offer.id}:{person.id}", now)


def tell_closed(session: Session, offer: Offer, winner: Secretary | None, now: datetime) -> None:
    """A withdrawn offer: the winner hears she is no longer on duty; when none had taken
    it, those who received the link hear it is cancelled."""
    client = session.get(Client, offer.client_id)
    assert client is not None
    hold_back_links(session, offer)
    people = [winner] if winner is not None else _received(session, offer, but=None)
    code = "offer_withdrawn_notice" if winner is not None else "offer_cancelled_notice"
    for person in people:
        locale = locale_of(person)
        text = _words(code, locale, client=client.name, when=when_words(offer, client, locale))
        _sms(session, person, client, text, f"offer-closed:{offer.id}:{person.id}", now)
        _email(session, person, client, text, text, f"offer-closed:{offer.id}:{person.id}:email")

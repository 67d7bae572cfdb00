"""A recipient's link: what it shows, accepting (the first acceptance wins by a
compare-and-set on the offer) and declining.

Taking it puts her on duty for exactly the window: a mission shift of one day for the
client (rank 1), which the rota page, `desk rota show`, routing and the duty-start
notices read like any other shift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk.base.errors import Conflict, DomainError, NotFound
from desk.base.words import gettext_for
from desk.models import Client, Offer, OfferAnswer, OfferRecipient, OfferState, Secretary, Shift
from desk.offers.making import audit
from desk.offers.pay import pay_words, record_mission, share_of
from desk.offers.sending import locale_of, tell_taken, token_hash, when_words


class Gone(DomainError):
    """The offer existed but is over: expired (the mission started) or withdrawn."""


@dataclass(frozen=True)
class OfferView:
    """What her page shows: never a patient's data, only the practice and the window."""

    client: str
    when: str
    pay: str
    state: str  # an OfferState
    answer: str | None  # hers: an OfferAnswer
    mine: bool  # she took it
    locale: str


def _find(session: Session, token: str) -> tuple[OfferRecipient, Offer]:
    found = session.execute(
        select(OfferRecipient, Offer)
        .join(Offer, Offer.id == OfferRecipient.offer_id)
        .where(OfferRecipient.token_hash == token_hash(token))
    ).first()
    if found is None:
        raise NotFound("offer_unknown")
    return found[0], found[1]


def _closed(offer: Offer, now: datetime) -> DomainError | None:
    if offer.state == OfferState.WITHDRAWN:
        return Gone("offer_withdrawn")
    if offer.state == OfferState.EXPIRED or (
        offer.state == OfferState.OPEN and offer.starts_at <= now
    ):
        return Gone("offer_expired")
    return None


def view(session: Session, token: str, now: datetime) -> OfferView:
    """Her offer, or NotFound (unknown token) / Gone (expired, withdrawn)."""
    recipient, offer = _find(session, token)
    error = _closed(offer, now)
    if error is not None:
        raise error
    client = session.get(Client, offer.client_id)
    person = session.get(Secretary, recipient.secretary_id)
    assert client is not None and person is not None
    locale = locale_of(person)
    return OfferView(
        client=client.name,
        when=when_words(offer, client, locale),
        pay=pay_words(share_of(session, client, person.id, offer.starts_at), gettext_for(locale)),
        state=offer.state,
        answer=recipient.answer,
        mine=offer.taken_by_id == person.id,
        locale=locale,
    )


def _mission_shift(offer: Offer, client: Client, secretary_id: int) -> Shift:
    zone = ZoneInfo(client.timezone)
    start, end = offer.starts_at.astimezone(zone), offer.ends_at.astimezone(zone)
    return Shift(
        secretary_id=secretary_id,
        client_id=client.id,
        weekdays=str(start.weekday()),
        start_local=start.time().replace(tzinfo=None),
        end_local=end.time().replace(tzinfo=None),
        rank=1,
        valid_from=start.date(),
        valid_until=start.date(),
    )


def accept(session: Session, token: str, now: datetime) -> Offer:
    """Take the offer. The first acceptance wins; the others raise Conflict
    ("offer_taken", HTTP 409); an expired or withdrawn one Gone (410); an unknown token
    NotFound (404). The caller begins the unit of work with `begin_immediate` (SQLite's
    write lock) and commits."""
    recipient, offer = _find(session, token)
    error = _closed(offer, now)
    if error is not None:
        raise error
    taken = session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.state == OfferState.OPEN, Offer.starts_at > now)
        .values(state=OfferState.TAKEN, taken_by_id=recipient.secretary_id, taken_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(offer)
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise _closed(offer, now) or Conflict("offer_taken")
    client = session.get(Client, offer.client_id)
    winner = session.get(Secretary, recipient.secretary_id)
    assert client is not None and winner is not None
    shift = _mission_shift(offer, client, winner.id)
    session.add(shift)
    session.flush()
    offer.shift_id = shift.id
    recipient.answer = OfferAnswer.ACCEPTED
    recipient.answered_at = now
    mission = record_mission(session, offer, client, winner, now)
    audit(
        session,
        "offer.accept",
        offer.id,
        now,
        secretary_id=winner.id,
        shift_id=shift.id,
        mission_id=mission.id,
        partner_cents=mission.partner_cents,
    )
    tell_taken(session, offer, winner, now)
    session.flush()
    return offer


def decline(session: Session, token: str, now: datetime) -> Offer:
    """She says no (once; answering again changes nothing). Raises as `accept` does."""
    recipient, offer = _find(session, token)
    error = _closed(offer, now)
    if error is not None:
        raise error
    if offer.state == OfferState.TAKEN and offer.taken_by_id != recipient.secretary_id:
        raise Conflict("offer_taken")
    if recipient.answer is None:
        recipient.answer = OfferAnswer.DECLINED
        recipient.answered_at = now
        audit(session, "offer.decline", offer.id, now, secretary_id=recipient.secretary_id)
        session.flush()
    return offer

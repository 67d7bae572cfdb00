"""From a gap to an offer: check the window, find who is free, plan the waves."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import Conflict, DomainError, NotFound
from desk.models import AuditEvent, Client, Offer, OfferPolicy, OfferRecipient, OfferState
from desk.offers.who import candidates

LONGEST = timedelta(hours=24)
LIVE = (OfferState.OPEN, OfferState.TAKEN)


def policy(session: Session) -> OfferPolicy:
    """The desk's offer rules (defaults until the admin changes them)."""
    found = session.get(OfferPolicy, 1)
    if found is None:
        found = OfferPolicy(id=1, wave_delay_minutes=30, include_desk=False)
        session.add(found)
        session.flush()
    return found


def audit(session: Session, action: str, offer_id: int, at: datetime, **detail: object) -> None:
    session.add(
        AuditEvent(
            at=at,
            actor=str(session.info.get("actor", "system")),
            user_id=session.info.get("actor_user_id"),
            action=action,
            object_type="offer",
            object_id=offer_id,
            detail=detail,
        )
    )


def live_offer_over(
    session: Session, client_id: int, start: datetime, end: datetime
) -> Offer | None:
    """An open or taken offer of the client overlapping [start, end)."""
    return session.scalar(
        select(Offer)
        .where(Offer.client_id == client_id, Offer.state.in_(LIVE))
        .where(Offer.starts_at < end, Offer.ends_at > start)
        .limit(1)
    )


def offer_gap(
    session: Session, client_id: int, start: datetime, end: datetime, now: datetime
) -> Offer:
    """Offer [start, end) of the client to the people free for it; the first wave is due
    now, each later one `wave_delay_minutes` after the previous. The caller sends what is
    due (`desk.offers.sending.send_due`) and commits."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("client_not_found")
    if not start < end <= start + LONGEST:
        raise DomainError("offer_window", field="ends_at")
    if start <= now:
        raise DomainError("offer_past", field="starts_at")
    existing = live_offer_over(session, client.id, start, end)
    if existing is not None:
        raise Conflict("offer_exists", id=existing.id)
    rules = policy(session)
    people = candidates(session, client, start, end, rules.include_desk)
    if not people:
        raise DomainError("offer_nobody")
    offer = Offer(
        client_id=client.id,
        starts_at=start,
        ends_at=end,
        state=OfferState.OPEN,
        created_at=now,
        created_by=str(session.info.get("actor", "system")),
    )
    session.add(offer)
    session.flush()
    delay = timedelta(minutes=rules.wave_delay_minutes)
    session.add_all(
        OfferRecipient(
            offer_id=offer.id,
            secretary_id=person.secretary_id,
            partner=person.partner,
            wave=person.wave,
            due_at=now + (person.wave - 1) * delay,
        )
        for person in people
    )
    audit(
        session,
        "offer.create",
        offer.id,
        now,
        client=client.slug,
        recipients=len(people),
        waves=max(p.wave for p in people),
    )
    session.flush()
    return offer

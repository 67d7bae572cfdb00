"""Withdrawing an offer (the admin), expiring those whose mission started, and closing
taken ones whose mission shift was removed on the rota page (the job)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk.base.errors import Conflict, NotFound
from desk.models import Offer, OfferState, Secretary, Shift
from desk.offers.making import audit
from desk.offers.pay import drop_mission
from desk.offers.sending import tell_closed


def withdraw(session: Session, offer_id: int, now: datetime) -> Offer:
    """Withdraw an open or taken offer. A taken one is undone: her mission shift and its
    payout line go, and she is told; an open one tells those who received it."""
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("offer_not_found", id=offer_id)
    previous = offer.state
    done = session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.state.in_((OfferState.OPEN, OfferState.TAKEN)))
        .values(state=OfferState.WITHDRAWN, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(offer)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("offer_closed", id=offer_id)
    winner = None
    if previous == OfferState.TAKEN and offer.taken_by_id is not None:
        winner = session.get(Secretary, offer.taken_by_id)
        if offer.shift_id is not None:
            shift = session.get(Shift, offer.shift_id)
            if shift is not None:
                session.delete(shift)
            offer.shift_id = None
        drop_mission(session, offer.id)
    audit(session, "offer.withdraw", offer.id, now, was=previous)
    tell_closed(session, offer, winner, now)
    session.flush()
    return offer


def expire(session: Session, now: datetime) -> int:
    """Open offers whose mission has started are over; how many."""
    ids = list(
        session.scalars(
            select(Offer.id).where(Offer.state == OfferState.OPEN, Offer.starts_at <= now)
        )
    )
    count = 0
    for offer_id in ids:
        done = session.execute(
            update(Offer)
            .where(Offer.id == offer_id, Offer.state == OfferState.OPEN)
            .values(state=OfferState.EXPIRED, closed_at=now)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount == 1:  # type: ignore[attr-defined]
            audit(session, "offer.expire", offer_id, now)
            count += 1
    session.flush()
    return count


def settle_removed_shifts(session: Session, now: datetime) -> int:
    """Taken offers whose mission shift is gone (removed from the rota: the foreign key
    sets `shift_id` to null) and whose mission is still ahead: withdrawn, the payout line
    dropped, and she is told. How many."""
    ids = list(
        session.scalars(
            select(Offer.id).where(
                Offer.state == OfferState.TAKEN, Offer.shift_id.is_(None), Offer.ends_at > now
            )
        )
    )
    for offer_id in ids:
        withdraw(session, offer_id, now)
    return len(ids)

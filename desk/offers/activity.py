"""Offers as the network sees them: each offer with who it went to, and per partner and
month the offers received, accepted, declined, and the missions done and paid."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.billing.money import euros
from desk.models import Client, Mission, Offer, OfferAnswer, OfferRecipient, OfferState, Secretary
from desk.offers.pay import mission_source


@dataclass(frozen=True)
class Listed:
    id: int
    client: str  # slug
    starts_at: datetime
    ends_at: datetime
    state: str  # open, taken, expired, withdrawn
    taken_by: str | None  # her name
    offered_to: list[dict[str, Any]]  # name, wave, sent_at, answer

    def data(self) -> dict[str, Any]:
        """For `desk offer list --json`: instants in ISO 8601 (UTC)."""
        found = asdict(self)
        found["starts_at"], found["ends_at"] = _iso(self.starts_at), _iso(self.ends_at)
        return found


@dataclass
class Activity:
    secretary_id: int
    name: str
    month: str  # YYYY-MM, of the missions' local time
    received: int = 0
    accepted: int = 0
    declined: int = 0
    missions_done: int = 0
    paid_cents: int = 0

    @property
    def paid(self) -> str:
        return euros(self.paid_cents)

    def data(self) -> dict[str, Any]:
        return asdict(self)


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def list_offers(
    session: Session,
    client_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Listed]:
    """Every offer (of one client, overlapping [start, end), when given), newest first."""
    query = select(Offer, Client.slug).join(Client, Client.id == Offer.client_id)
    if client_id is not None:
        query = query.where(Offer.client_id == client_id)
    if start is not None and end is not None:
        query = query.where(Offer.starts_at < end, Offer.ends_at > start)
    rows = session.execute(query.order_by(Offer.starts_at.desc(), Offer.id.desc())).all()
    names = dict(session.execute(select(Secretary.id, Secretary.name)).all())
    per_offer: dict[int, list[OfferRecipient]] = defaultdict(list)
    ids = [offer.id for offer, _ in rows]
    if ids:
        for r in session.scalars(
            select(OfferRecipient)
            .where(OfferRecipient.offer_id.in_(ids))
            .order_by(OfferRecipient.wave, OfferRecipient.id)
        ):
            per_offer[r.offer_id].append(r)
    return [
        Listed(
            id=offer.id,
            client=slug,
            starts_at=offer.starts_at,
            ends_at=offer.ends_at,
            state=offer.state,
            taken_by=names.get(offer.taken_by_id) if offer.taken_by_id else None,
            offered_to=[
                {
                    "name": names.get(r.secretary_id, ""),
                    "wave": r.wave,
                    "sent_at": _iso(r.sent_at),
                    "answer": r.answer,
                }
                for r in per_offer[offer.id]
            ],
        )
        for offer, slug in rows
    ]


def activity(session: Session, now: datetime, month: str | None = None) -> list[Activity]:
    """Per person and month (the gap's local month): offers received (sent), accepted,
    declined; missions done (taken and over by `now`) and what they paid her."""
    rows = session.execute(
        select(OfferRecipient, Offer, Client.timezone, Secretary.name)
        .join(Offer, Offer.id == OfferRecipient.offer_id)
        .join(Client, Client.id == Offer.client_id)
        .join(Secretary, Secretary.id == OfferRecipient.secretary_id)
        .where(OfferRecipient.sent_at.isnot(None))
    ).all()
    paid = dict(
        session.execute(
            select(Mission.source, Mission.partner_cents).where(Mission.source.like("offer:%"))
        ).all()
    )
    found: dict[tuple[int, str], Activity] = {}
    for recipient, offer, tz, name in rows:
        local_month = f"{offer.starts_at.astimezone(ZoneInfo(tz)):%Y-%m}"
        if month is not None and local_month != month:
            continue
        key = (recipient.secretary_id, local_month)
        row = found.setdefault(key, Activity(recipient.secretary_id, name, local_month))
        row.received += 1
        if recipient.answer == OfferAnswer.DECLINED:
            row.declined += 1
        if recipient.answer == OfferAnswer.ACCEPTED:
            row.accepted += 1
            won = offer.state == OfferState.TAKEN and offer.taken_by_id == recipient.secretary_id
            if won and offer.ends_at <= now:
                row.missions_done += 1
                row.paid_cents += paid.get(mission_source(offer.id), 0)
    return sorted(found.values(), key=lambda a: (a.month, a.name, a.secretary_id))

"""Offering a client's gaps automatically, `days_ahead` days before they open."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.models import Client, ClientOfferSetting
from desk.offers.making import LONGEST, live_offer_over, offer_gap
from desk.rota.gaps import gaps


def pieces(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """[start, end) in offers of a day at most."""
    found = []
    while start < end:
        found.append((start, min(end, start + LONGEST)))
        start += LONGEST
    return found


def offer_gaps_ahead(session: Session, now: datetime) -> int:
    """Offer every gap not offered yet of the clients set to it; how many offers. A gap
    nobody is free for is tried again at the next run (someone may come back)."""
    made = 0
    rows = session.execute(
        select(Client, ClientOfferSetting.days_ahead)
        .join(ClientOfferSetting, ClientOfferSetting.client_id == Client.id)
        .where(ClientOfferSetting.days_ahead > 0, Client.active)
        .order_by(Client.id)
    ).all()
    for client, days in rows:
        for segment in gaps(session, client, now, now + timedelta(days=days)):
            for start, end in pieces(max(segment.start, now + timedelta(minutes=1)), segment.end):
                if live_offer_over(session, client.id, start, end) is not None:
                    continue
                try:
                    with session.begin_nested():
                        offer_gap(session, client.id, start, end, now)
                    made += 1
                except DomainError:
                    continue  # nobody free, or already offered: the next run looks again
    return made

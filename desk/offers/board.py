"""What the rota page shows of offers for a client's week: its offers, its automatic
offers setting and the desk's waves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from desk.base.wall_time import local_to_utc
from desk.models import Client, OfferPolicy
from desk.offers.activity import Listed, list_offers
from desk.offers.settings import days_ahead


@dataclass(frozen=True)
class Board:
    offers: list[Listed]
    days_ahead: int
    wave_delay_minutes: int
    include_desk: bool


def board(session: Session, client: Client, monday: date) -> Board:
    zone = ZoneInfo(client.timezone)
    start = local_to_utc(monday, time(0), zone)
    end = local_to_utc(monday + timedelta(days=7), time(0), zone)
    rules = session.get(OfferPolicy, 1) or OfferPolicy(wave_delay_minutes=30, include_desk=False)
    return Board(
        offers=list_offers(session, client.id, start, end),
        days_ahead=days_ahead(session, client.id),
        wave_delay_minutes=rules.wave_delay_minutes,
        include_desk=rules.include_desk,
    )

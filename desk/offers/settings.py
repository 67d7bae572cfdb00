"""The admin's settings for offers: the wave delay, the desk's own secretaries, and per
client how many days ahead its gaps are offered automatically."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.models import ClientOfferSetting, OfferPolicy
from desk.offers.making import policy

MAX_DAYS_AHEAD = 60
MAX_WAVE_DELAY = 1440


def set_policy(
    session: Session, wave_delay: int | None = None, include_desk: bool | None = None
) -> OfferPolicy:
    rules = policy(session)
    if wave_delay is not None:
        if not 0 <= wave_delay <= MAX_WAVE_DELAY:
            raise DomainError("offer_wave_delay", field="wave_delay_minutes")
        rules.wave_delay_minutes = wave_delay
    if include_desk is not None:
        rules.include_desk = include_desk
    session.flush()
    return rules


def days_ahead(session: Session, client_id: int) -> int:
    found = session.get(ClientOfferSetting, client_id)
    return found.days_ahead if found is not None else 0


def set_days_ahead(session: Session, client_id: int, days: int) -> None:
    if not 0 <= days <= MAX_DAYS_AHEAD:
        raise DomainError("offer_days_ahead", field="days_ahead")
    found = session.get(ClientOfferSetting, client_id)
    if found is None:
        session.add(ClientOfferSetting(client_id=client_id, days_ahead=days))
    else:
        found.days_ahead = days
    session.flush()

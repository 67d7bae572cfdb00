"""What a mission taken through an offer pays, and its line in the payouts.

The agreement says how: a fixed price per mission is paid for the window itself (one
line, "offer:<id>"); a percentage or a price per minute pays the calls she answers in
the window, which are missions of their own — the offer's line then carries 0 and says
so. The line is priced by the billing's own rules (`price_missions`), the same that
`desk/billing/missions.gather` applies when the month is recomputed.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.orm import Session

from desk.base.words import WORDS, Gettext
from desk.billing.missions import is_off_hours, versions_of
from desk.billing.money import euros
from desk.billing.plans import shares_for
from desk.billing.pricing import Share, Work, in_force, price_missions
from desk.models import Client, Mission, Offer, Secretary
from desk.models.billing import MissionKind, PartnerMode


def mission_source(offer_id: int) -> str:
    return f"offer:{offer_id}"


def share_of(session: Session, client: Client, secretary_id: int, at: datetime) -> Share | None:
    day = at.astimezone(ZoneInfo(client.timezone)).date()
    return in_force(shares_for(session, client.id).get(secretary_id, []), day)


def pay_words(share: Share | None, gettext: Gettext) -> str:
    """Her pay under `share`, in her words ("12,00 € for the mission")."""
    if share is None:
        return gettext(WORDS["offer_pay_desk"])
    if share.mode == PartnerMode.PERCENT:
        return gettext(WORDS["offer_pay_percent"]) % {"percent": share.percent}
    if share.mode == PartnerMode.PER_MINUTE:
        return gettext(WORDS["offer_pay_minute"]) % {"amount": euros(share.fixed_cents)}
    return gettext(WORDS["offer_pay_fixed"]) % {"amount": euros(share.fixed_cents)}


def work_of(offer: Offer, client: Client, secretary: Secretary) -> Work:
    """The offer as unpriced work (no duration: payouts' minutes are call minutes)."""
    local = offer.starts_at.astimezone(ZoneInfo(client.timezone))
    return Work(
        source=mission_source(offer.id),
        kind=MissionKind.OFFER,
        day=local.date(),
        off_hours=is_off_hours(local, client.holiday_country),
        secretary_id=secretary.id,
        by_partner=secretary.is_partner,
        at=offer.starts_at,
    )


def record_mission(
    session: Session, offer: Offer, client: Client, secretary: Secretary, now: datetime
) -> Mission:
    """The taken offer's line in the payouts (one per offer: `source` is unique)."""
    work = work_of(offer, client, secretary)
    priced = price_missions([work], versions_of(session, client.id), shares_for(session, client.id))
    mission = Mission(
        source=work.source,
        client_id=client.id,
        month=f"{work.day:%Y-%m}",
        kind=work.kind,
        secretary_id=secretary.id,
        by_partner=work.by_partner,
        occurred_at=offer.starts_at,
        computed_at=now,
    )
    if priced:
        item = priced[0]
        mission.contract_id = item.rates.contract_id
        mission.agreement_id = item.agreement_id
        mission.partner_cents = item.partner_cents
    else:  # no contract yet: she is paid all the same
        share = share_of(session, client, secretary.id, offer.starts_at)
        if share is not None and work.by_partner:
            mission.agreement_id = share.agreement_id
            mission.partner_cents = share.fixed_cents if share.mode == PartnerMode.PER_CALL else 0
    session.add(mission)
    session.flush()
    return mission


def drop_mission(session: Session, offer_id: int) -> None:
    session.execute(delete(Mission).where(Mission.source == mission_source(offer_id)))

"""Missions, derived from the records: answered calls, voicemails processed, messages taken,
appointments booked, SMS sent. Recomputing a month replaces its rows (no money is kept
only here: an issued invoice copies its lines), so the figures can always be audited.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desk.base.public_holidays import holiday_name
from desk.billing.plans import contracts_of, rates_of, shares_for
from desk.billing.pricing import Priced, Rates, Work, price_missions
from desk.models import (
    Appointment,
    Call,
    Client,
    Message,
    Mission,
    Offer,
    OfferState,
    Outbox,
    Secretary,
    User,
)
from desk.models.billing import MissionKind
from desk.models.calls import not_simulated
from desk.models.states import CallOutcome, Channel, MessageSource, OutboxState

# SMS sent on the client's behalf (to its contacts and patients); notices to our own
# secretaries (voicemail summaries, missed calls, gap alerts) are the desk's cost.
BILLABLE_SMS_KINDS = ("message", "digest", "confirmation", "reminder")
# The working day; a mission outside it (or on a Saturday, Sunday, holiday) is surcharged.
DAY_START, DAY_END = time(8), time(19)


def month_bounds(month: str, tz: str) -> tuple[datetime, datetime]:
    """The UTC instants that open and close a month of the client's local calendar."""
    year, number = parse_month(month)
    zone = ZoneInfo(tz)
    start = datetime(year, number, 1, tzinfo=zone)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
    return start, end


def parse_month(month: str) -> tuple[int, int]:
    try:
        year, number = (int(part) for part in month.split("-"))
        date(year, number, 1)
    except ValueError:
        raise ValueError(f"not a month (YYYY-MM): {month!r}") from None
    return year, number


def last_day(month: str) -> date:
    year, number = parse_month(month)
    return date(year, number, calendar.monthrange(year, number)[1])


def is_off_hours(local: datetime, country: str) -> bool:
    if local.weekday() >= 5 or holiday_name(country, local.date()) is not None:
        return True
    return not DAY_START <= local.time() < DAY_END


def gather(session: Session, client: Client, month: str) -> list[Work]:
    """What happened for `client` in `month`, as unpriced work."""
    start, end = month_bounds(month, client.timezone)
    zone = ZoneInfo(client.timezone)
    partners = set(session.scalars(select(Secretary.id).where(Secretary.is_partner)))
    user_secretary = dict(
        session.execute(
            select(User.id, User.secretary_id).where(User.secretary_id.isnot(None))
        ).all()
    )
    works: list[Work] = []

    def add(source: str, kind: str, at: datetime, who: int | None, seconds: int = 0) -> None:
        local = at.astimezone(zone)
        works.append(
            Work(
                source=source,
                kind=kind,
                day=local.date(),
                duration_seconds=seconds,
                off_hours=is_off_hours(local, client.holiday_country),
                secretary_id=who,
                by_partner=who in partners,
                at=at,
            )
        )

    calls = session.execute(
        select(
            Call.id, Call.started_at, Call.answered_at, Call.duration_seconds, Call.handled_by_id
        )
        .where(Call.client_id == client.id, Call.outcome == CallOutcome.ANSWERED)
        .where(Call.started_at >= start, Call.started_at < end)
        .where(Call.simulated.is_(False))  # the Simulator's calls are nobody's work
    ).all()
    for call_id, started, answered, seconds, who in calls:
        add(f"call:{call_id}", MissionKind.CALL, answered or started, who, seconds or 0)
    messages = session.execute(
        select(
            Message.id, Message.source, Message.created_at, Message.taken_by_id,
            Message.acknowledged_by_id,
        )
        .where(Message.client_id == client.id)
        .where(Message.source.in_((MessageSource.SECRETARY, MessageSource.VOICEMAIL)))
        .where(Message.created_at >= start, Message.created_at < end)
        .where(not_simulated(Message.call_id))
    ).all()  # fmt: skip
    for message_id, source, created, taken_by, acknowledged_by in messages:
        if source == MessageSource.VOICEMAIL:
            who = user_secretary.get(acknowledged_by) if acknowledged_by else None
            add(f"message:{message_id}", MissionKind.VOICEMAIL, created, who)
        else:
            add(f"message:{message_id}", MissionKind.MESSAGE, created, taken_by)
    bookings = session.execute(
        select(Appointment.id, Appointment.created_at, Appointment.booked_by_id)
        .where(Appointment.client_id == client.id, Appointment.source.in_(("desk", "demo")))
        .where(Appointment.booked_by_id.isnot(None))
        .where(Appointment.created_at >= start, Appointment.created_at < end)
        .where(not_simulated(Appointment.call_id))
    ).all()
    for appointment_id, created, booked_by in bookings:
        who = user_secretary.get(booked_by) if booked_by else None
        add(f"appointment:{appointment_id}", MissionKind.APPOINTMENT, created, who)
    sms = session.execute(
        select(Outbox.id, Outbox.created_at)
        .where(Outbox.client_id == client.id, Outbox.channel == Channel.SMS)
        .where(
            Outbox.state.in_((OutboxState.SENT, OutboxState.DELIVERED)),
            Outbox.kind.in_(BILLABLE_SMS_KINDS),
        )
        .where(Outbox.created_at >= start, Outbox.created_at < end)
    ).all()
    for outbox_id, created in sms:
        add(f"sms:{outbox_id}", MissionKind.SMS, created, None)
    # Gaps taken through an offer (desk/offers/pay.py writes the same line when taken).
    offers = session.execute(
        select(Offer.id, Offer.starts_at, Offer.taken_by_id)
        .where(Offer.client_id == client.id, Offer.state == OfferState.TAKEN)
        .where(Offer.starts_at >= start, Offer.starts_at < end)
    ).all()
    for offer_id, starts, who in offers:
        add(f"offer:{offer_id}", MissionKind.OFFER, starts, who)
    return works


def versions_of(session: Session, client_id: int) -> list[Rates]:
    return [rates_of(c) for c in contracts_of(session, client_id)]


def price_month(session: Session, client: Client, month: str) -> list[Priced]:
    return price_missions(
        gather(session, client, month),
        versions_of(session, client.id),
        shares_for(session, client.id),
    )


def recompute(session: Session, client: Client, month: str, now: datetime) -> list[Priced]:
    """Replace the month's mission rows of `client` with freshly derived ones (and return
    them priced)."""
    priced = price_month(session, client, month)
    session.execute(delete(Mission).where(Mission.client_id == client.id, Mission.month == month))
    zone = ZoneInfo(client.timezone)
    rows = [
        Mission(
            source=p.work.source,
            client_id=client.id,
            month=month,
            kind=p.work.kind,
            secretary_id=p.work.secretary_id,
            by_partner=p.work.by_partner,
            occurred_at=p.work.at or datetime.combine(p.work.day, time(12), zone),
            duration_seconds=p.work.duration_seconds,
            blocks=p.blocks,
            contract_id=p.rates.contract_id,
            included=p.included,
            surcharged=p.surcharge_cents > 0,
            list_cents=p.list_cents,
            surcharge_cents=p.surcharge_cents,
            billed_cents=p.billed_cents,
            agreement_id=p.agreement_id,
            partner_cents=p.partner_cents,
            computed_at=now,
        )
        for p in priced
    ]
    session.add_all(rows)
    session.flush()
    return priced


def recompute_all(session: Session, month: str, now: datetime) -> int:
    """Recompute every active client's missions for `month`; the number of missions."""
    count = 0
    for client in session.scalars(select(Client).where(Client.active).order_by(Client.id)):
        count += len(recompute(session, client, month, now))
    return count

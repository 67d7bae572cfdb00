"""What the money pages show of a month not invoiced yet, and why a list is empty.

The payouts page prices the month as it stands (read-only: missions are stored only when
a month is invoiced or `desk payouts` runs), so a partner's call shows the day she took
it. When the statements issue nothing, or a partner earns nothing, the reasons are said:
no contract for a client, no agreement for a partner, already issued.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.billing.missions import gather, last_day, price_month
from desk.billing.payouts import Payout
from desk.billing.plans import contracts_of
from desk.models import Client, Invoice, Mission, PartnerAgreement, Secretary
from desk.models.billing import InvoiceKind


def _invoiced(session: Session, month: str) -> set[int]:
    return set(
        session.scalars(
            select(Invoice.client_id).where(
                Invoice.month == month, Invoice.kind == InvoiceKind.INVOICE
            )
        )
    )


def month_payouts(session: Session, month: str, secretary_id: int | None = None) -> list[Payout]:
    """Each partner's missions and pay in `month`: the stored missions of invoiced clients
    (what they were billed from), the month priced as it stands for the others (nothing
    is written)."""
    invoiced = _invoiced(session, month)
    names = dict(session.execute(select(Secretary.id, Secretary.name)).all())
    found: dict[int, Payout] = {}

    def add(who: int, client_name: str, seconds: int, cents: int) -> None:
        payout = found.setdefault(who, Payout(who, names.get(who, "")))
        payout.missions += 1
        payout.minutes += -(-seconds // 60)
        payout.earned_cents += cents
        payout.per_client[client_name] = payout.per_client.get(client_name, 0) + cents

    stored = (
        select(Mission.secretary_id, Client.name, Mission.duration_seconds, Mission.partner_cents)
        .join(Client, Client.id == Mission.client_id)
        .where(Mission.month == month, Mission.by_partner, Mission.client_id.in_(invoiced))
        .order_by(Mission.occurred_at)
    )
    if secretary_id is not None:
        stored = stored.where(Mission.secretary_id == secretary_id)
    for who, client_name, seconds, cents in session.execute(stored):
        if who is not None:
            add(who, client_name, seconds, cents)
    clients = session.scalars(select(Client).where(Client.active).order_by(Client.id))
    for client in clients:
        if client.id in invoiced:
            continue
        for item in price_month(session, client, month):
            who = item.work.secretary_id
            if not item.work.by_partner or who is None:
                continue
            if secretary_id is None or who == secretary_id:
                add(who, client.name, item.work.duration_seconds, item.partner_cents)
    return sorted(found.values(), key=lambda p: p.name)


@dataclass
class Reasons:
    """Why a money list is short: names per reason (empty lists when none applies)."""

    no_client: bool = False
    without_contract: list[str] = field(default_factory=list)
    already_issued: list[str] = field(default_factory=list)
    without_agreement: list[str] = field(default_factory=list)
    partner_work_unbilled: list[str] = field(default_factory=list)

    def any(self) -> bool:
        return bool(
            self.no_client
            or self.without_contract
            or self.already_issued
            or self.without_agreement
            or self.partner_work_unbilled
        )


def why_no_invoice(session: Session, month: str) -> Reasons:
    """Why issuing `month` makes no new invoice: clients with no contract by its last day,
    clients already invoiced, or no active client at all."""
    reasons = Reasons()
    clients = session.scalars(select(Client).where(Client.active).order_by(Client.name)).all()
    reasons.no_client = not clients
    invoiced = _invoiced(session, month)
    end = last_day(month)
    for client in clients:
        if client.id in invoiced:
            reasons.already_issued.append(client.name)
        elif not any(c.valid_from <= end for c in contracts_of(session, client.id)):
            reasons.without_contract.append(client.name)
    return reasons


def why_no_pay(session: Session, month: str) -> Reasons:
    """Why partners earn nothing in `month`: partners with no agreement in force, and
    clients whose calls (taken by partners) are not priced for want of a contract."""
    reasons = Reasons()
    end = last_day(month)
    partners = session.scalars(
        select(Secretary).where(Secretary.is_partner, Secretary.active).order_by(Secretary.name)
    ).all()
    with_agreement = set(
        session.scalars(
            select(PartnerAgreement.secretary_id).where(PartnerAgreement.valid_from <= end)
        )
    )
    reasons.without_agreement = [p.name for p in partners if p.id not in with_agreement]
    partner_ids = {p.id for p in partners}
    for client in session.scalars(select(Client).where(Client.active).order_by(Client.name)):
        if any(c.valid_from <= end for c in contracts_of(session, client.id)):
            continue
        works = gather(session, client, month)
        if any(w.secretary_id in partner_ids for w in works):
            reasons.partner_work_unbilled.append(client.name)
    return reasons

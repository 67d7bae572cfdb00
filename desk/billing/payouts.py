"""Partner payouts per month and the desk's margin per client and per partner."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.billing.missions import recompute
from desk.models import Client, Invoice, Mission, Secretary
from desk.models.billing import InvoiceKind


@dataclass
class Payout:
    secretary_id: int
    name: str
    missions: int = 0
    minutes: int = 0
    earned_cents: int = 0
    per_client: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Margin:
    name: str
    revenue_cents: int
    partner_cents: int

    @property
    def margin_cents(self) -> int:
        return self.revenue_cents - self.partner_cents


def refresh_month(session: Session, month: str, now: datetime) -> None:
    """Recompute the missions of clients whose month is not invoiced yet (an issued month
    keeps the missions it was billed from)."""
    invoiced = set(
        session.scalars(
            select(Invoice.client_id).where(
                Invoice.month == month, Invoice.kind == InvoiceKind.INVOICE
            )
        )
    )
    for client in session.scalars(select(Client).where(Client.active).order_by(Client.id)):
        if client.id not in invoiced:
            recompute(session, client, month, now)


def payouts(session: Session, month: str, secretary_id: int | None = None) -> list[Payout]:
    """Each partner's missions and earnings in `month` (only hers with `secretary_id`)."""
    query = (
        select(Mission, Secretary.name, Client.name)
        .join(Secretary, Secretary.id == Mission.secretary_id)
        .join(Client, Client.id == Mission.client_id)
        .where(Mission.month == month, Mission.by_partner)
        .order_by(Secretary.name, Mission.occurred_at)
    )
    if secretary_id is not None:
        query = query.where(Mission.secretary_id == secretary_id)
    found: dict[int, Payout] = {}
    for mission, name, client_name in session.execute(query):
        payout = found.setdefault(
            mission.secretary_id or 0, Payout(mission.secretary_id or 0, name)
        )
        payout.missions += 1
        payout.minutes += -(-mission.duration_seconds // 60)
        payout.earned_cents += mission.partner_cents
        payout.per_client[client_name] = (
            payout.per_client.get(client_name, 0) + mission.partner_cents
        )
    return list(found.values())


def margins(session: Session, month: str) -> tuple[list[Margin], list[Margin]]:
    """(per client, per partner): what was billed, what partners earn, the difference.

    A client's revenue is its issued invoice before VAT, less any credit note; a partner's
    is what the clients were billed for her missions.
    """
    revenue: dict[int, int] = defaultdict(int)
    for invoice in session.scalars(select(Invoice).where(Invoice.month == month)):
        sign = 1 if invoice.kind == InvoiceKind.INVOICE else -1
        revenue[invoice.client_id] += sign * invoice.total_ht_cents
    cost: dict[int, int] = defaultdict(int)
    by_partner: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for mission in session.scalars(select(Mission).where(Mission.month == month)):
        cost[mission.client_id] += mission.partner_cents
        if mission.by_partner and mission.secretary_id is not None:
            by_partner[mission.secretary_id][0] += mission.billed_cents
            by_partner[mission.secretary_id][1] += mission.partner_cents
    names = dict(session.execute(select(Client.id, Client.name)).all())
    partners = dict(session.execute(select(Secretary.id, Secretary.name)).all())
    clients = [
        Margin(names[cid], revenue.get(cid, 0), cost.get(cid, 0))
        for cid in sorted(set(revenue) | set(cost))
    ]
    people = [Margin(partners[sid], v[0], v[1]) for sid, v in sorted(by_partner.items())]
    return clients, people

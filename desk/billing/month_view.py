"""Why a money list is short: no contract for a client, no agreement for a partner,
missions not counted yet, already issued. Each answer takes a fixed number of queries,
however many clients the desk has (the pages that ask are read on every visit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Exists

from desk.billing.missions import last_day, month_bounds
from desk.models import Call, Client, Contract, Invoice, Mission, PartnerAgreement, Secretary
from desk.models.billing import InvoiceKind, MissionKind
from desk.models.states import CallOutcome

DESK_TZ = "Europe/Paris"


@dataclass
class Reasons:
    """Why a money list is short: names per reason (empty when none applies)."""

    no_client: bool = False
    without_contract: list[str] = field(default_factory=list)
    already_issued: list[str] = field(default_factory=list)
    without_agreement: list[str] = field(default_factory=list)
    partner_work_unbilled: list[str] = field(default_factory=list)
    not_counted_yet: bool = False

    def any(self) -> bool:
        return bool(
            self.no_client
            or self.without_contract
            or self.already_issued
            or self.without_agreement
            or self.partner_work_unbilled
            or self.not_counted_yet
        )


def _has_contract_by(end: date) -> Exists:
    return exists().where(Contract.client_id == Client.id, Contract.valid_from <= end)


def why_no_invoice(session: Session, month: str) -> Reasons:
    """Why issuing `month` left clients without a new invoice: no contract by its last day,
    or invoiced already; or no active client at all."""
    end = last_day(month)
    rows = session.execute(
        select(
            Client.name,
            _has_contract_by(end).label("contract"),
            exists()
            .where(
                Invoice.client_id == Client.id,
                Invoice.month == month,
                Invoice.kind == InvoiceKind.INVOICE,
            )
            .label("invoiced"),
        )
        .where(Client.active)
        .order_by(Client.name)
    ).all()
    reasons = Reasons(no_client=not rows)
    for name, contract, invoiced in rows:
        if invoiced:
            reasons.already_issued.append(name)
        elif not contract:
            reasons.without_contract.append(name)
    return reasons


def why_no_pay(session: Session, month: str) -> Reasons:
    """Why partners earn nothing, or less than they did, in `month`: partners with no
    agreement by its end; clients with no contract whose calls partners took (neither
    invoiced nor paid); calls partners took that no mission counts yet (missions are
    counted when the month is invoiced, or on demand)."""
    end = last_day(month)
    start_at, end_at = month_bounds(month, DESK_TZ)
    reasons = Reasons()
    partners = session.execute(
        select(Secretary.id, Secretary.name)
        .where(Secretary.is_partner, Secretary.active)
        .order_by(Secretary.name)
    ).all()
    agreed = set(
        session.scalars(
            select(PartnerAgreement.secretary_id).where(PartnerAgreement.valid_from <= end)
        )
    )
    reasons.without_agreement = [name for sid, name in partners if sid not in agreed]
    partner_calls = (
        select(Call.client_id, Client.name, _has_contract_by(end).label("contract"))
        .join(Client, Client.id == Call.client_id)
        .join(Secretary, Secretary.id == Call.handled_by_id)
        .where(
            Secretary.is_partner,
            Call.outcome == CallOutcome.ANSWERED,
            Call.started_at >= start_at,
            Call.started_at < end_at,
        )
    )
    calls = session.execute(partner_calls).all()
    reasons.partner_work_unbilled = sorted({name for _cid, name, has in calls if not has})
    counted = session.scalar(
        select(func.count())
        .select_from(Mission)
        .where(Mission.month == month, Mission.by_partner, Mission.kind == MissionKind.CALL)
    )
    reasons.not_counted_yet = sum(1 for *_rest, has in calls if has) > (counted or 0)
    return reasons

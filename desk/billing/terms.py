"""The money set-up as a person types it: price plans, a client's contract from a date, a
partner's agreement. The web pages and the `desk plan|contract|agreement` commands both
call these, so they accept the same text ("89,00", "1 234,50", "89.00") and refuse it with
the same words, each naming its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk.base.db import begin_immediate
from desk.base.errors import Conflict, DomainError, NotFound
from desk.billing import amounts
from desk.billing.plans import create_plan, plan_by_name, set_contract
from desk.models import (
    Client,
    Contract,
    DeskIdentity,
    Invoice,
    PartnerAgreement,
    PricePlan,
    Secretary,
    VatStatus,
)
from desk.models.billing import PartnerMode

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2199, 12, 31)


@dataclass(frozen=True)
class PlanInput:
    """A price plan as typed: euros and percentages are text."""

    name: str
    monthly_fee: str
    included_calls: str
    per_call: str
    per_minute: str = ""
    out_of_hours_percent: str = ""
    vat_rate: str = ""


def add_plan(session: Session, data: PlanInput) -> PricePlan:
    """A new price plan. VAT: 20 % unless typed; none on a desk in franchise en base."""
    begin_immediate(session)  # SQLite: the name's check and its insert in one write unit
    desk = DeskIdentity.get(session)
    franchise = desk is not None and desk.vat_status == VatStatus.FRANCHISE
    name = data.name.strip()
    if len(name) > 200:
        raise DomainError("too_long", field="name", max=200)
    prices = dict(
        monthly_fee_cents=amounts.cents(data.monthly_fee, "monthly_fee"),
        included_calls=amounts.count(data.included_calls, "included_calls"),
        per_call_cents=amounts.cents(data.per_call, "per_call"),
        per_block_cents=amounts.cents(data.per_minute, "per_minute", required=False),
        block_seconds=60,
        surcharge_percent=(
            amounts.whole_percent(data.out_of_hours_percent, "out_of_hours_percent", most=200)
            if data.out_of_hours_percent.strip()
            else 0
        ),
        vat_rate_bp=(
            amounts.percent_bp(data.vat_rate, "vat_rate", most=30)
            if data.vat_rate.strip()
            else 2000
        ),
        vat_franchise=franchise,
    )
    if desk is not None and desk.payment_days:
        prices["payment_days"] = desk.payment_days
    try:
        # Two admins adding the same name at once: the unique name decides, in words.
        with session.begin_nested():
            return create_plan(session, name, **prices)
    except IntegrityError:
        raise Conflict("billing_plan_exists", field="name", name=name) from None


def partners(session: Session, active_only: bool = False) -> list[Secretary]:
    """The network's partners by name (those still active only, if asked)."""
    query = select(Secretary).where(Secretary.is_partner).order_by(Secretary.name)
    if active_only:
        query = query.where(Secretary.active)
    return list(session.scalars(query))


def all_plans(session: Session) -> list[PricePlan]:
    return list(session.scalars(select(PricePlan).order_by(PricePlan.name)))


def plan_row(plan: PricePlan) -> dict[str, object]:
    """A plan as `desk plan list --json` prints it (a public contract: keys stay)."""
    return {
        "name": plan.name,
        "monthly_fee_cents": plan.monthly_fee_cents,
        "included_calls": plan.included_calls,
        "per_call_cents": plan.per_call_cents,
        "per_minute_cents": plan.per_block_cents if plan.block_seconds == 60 else None,
        "out_of_hours_percent": plan.surcharge_percent,
        "vat_rate_bp": 0 if plan.vat_franchise else plan.vat_rate_bp,
        "payment_days": plan.payment_days,
    }


def day(raw: str, field: str = "valid_from") -> date:
    """A date typed YYYY-MM-DD, within reason."""
    try:
        value = date.fromisoformat(raw.strip())
    except ValueError:
        raise DomainError("report_date", field=field) from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise DomainError("date_out_of_range", field=field)
    return value


def client_by_slug(session: Session, slug: str) -> Client:
    client = session.scalar(select(Client).where(Client.slug == slug.strip()))
    if client is None:
        raise NotFound("client_slug_not_found", field="client", slug=slug)
    return client


def secretary_by_email(session: Session, email: str) -> Secretary:
    found = session.scalar(
        select(Secretary).where(func.lower(Secretary.email) == email.strip().lower())
    )
    if found is None:
        raise NotFound("rota_unknown_secretary", field="secretary", email=email)
    return found


def contract_from(session: Session, client: Client, plan_name: str, valid_from: date) -> Contract:
    """The client pays `plan_name`'s prices from `valid_from` on (a change mid-month splits
    the month: the fee pro rata, each mission at the prices of its day)."""
    plan = plan_by_name(session, plan_name.strip())
    month = f"{valid_from:%Y-%m}"
    invoiced = session.scalar(
        select(Invoice.number)
        .where(Invoice.client_id == client.id, Invoice.month >= month)
        .order_by(Invoice.month.desc())
        .limit(1)
    )
    if invoiced is not None:
        # The past is never rewritten: an invoiced month keeps the prices it was billed at.
        raise DomainError("contract_month_invoiced", field="valid_from", number=invoiced)
    try:
        return set_contract(session, client.id, valid_from, plan=plan)
    except DomainError as exc:
        exc.field = exc.field or "plan"
        raise


@dataclass(frozen=True)
class AgreementInput:
    """A partner's pay as typed: a percentage of what the client pays for her missions, or a
    fixed amount per mission; for one client (slug) or all (empty)."""

    percent: str = ""
    per_mission: str = ""
    client_slug: str = ""


def set_partner_agreement(
    session: Session, secretary: Secretary, data: AgreementInput, valid_from: date
) -> PartnerAgreement:
    """Her agreement from `valid_from`; one typed again for the same day replaces it.

    Her agreements are written one at a time (SQLite's write lock, her row locked on
    PostgreSQL), so two admins typing the same day make one agreement, not two."""
    begin_immediate(session)
    session.execute(select(Secretary.id).where(Secretary.id == secretary.id).with_for_update())
    if not secretary.is_partner:
        raise DomainError("billing_not_a_partner", field="secretary", name=secretary.name)
    has_percent, has_fixed = bool(data.percent.strip()), bool(data.per_mission.strip())
    if has_percent == has_fixed:
        raise DomainError("agreement_one_of", field="percent")
    client_id = client_by_slug(session, data.client_slug).id if data.client_slug.strip() else None
    mode = PartnerMode.PERCENT if has_percent else PartnerMode.PER_CALL
    percent = amounts.whole_percent(data.percent, "percent") if has_percent else 0
    fixed = 0 if has_percent else amounts.cents(data.per_mission, "per_mission")
    row = session.scalar(
        select(PartnerAgreement).where(
            PartnerAgreement.secretary_id == secretary.id,
            PartnerAgreement.valid_from == valid_from,
            PartnerAgreement.client_id.is_(None)
            if client_id is None
            else PartnerAgreement.client_id == client_id,
        )
    )
    if row is None:
        row = PartnerAgreement(
            secretary_id=secretary.id, client_id=client_id, valid_from=valid_from
        )
        session.add(row)
    row.mode, row.percent, row.fixed_cents = mode, percent, fixed
    session.flush()
    return row


@dataclass(frozen=True)
class AgreementRow:
    id: int
    client: str  # the client's name, "" for all clients
    valid_from: date
    mode: str
    percent: int
    fixed_cents: int


def agreements_of(session: Session, secretary_id: int) -> list[AgreementRow]:
    return all_agreements(session, secretary_id).get(secretary_id, [])


def all_agreements(
    session: Session, secretary_id: int | None = None
) -> dict[int, list[AgreementRow]]:
    """Per partner, her agreements by date (one query, however many partners)."""
    query = (
        select(PartnerAgreement, Client.name)
        .outerjoin(Client, Client.id == PartnerAgreement.client_id)
        .order_by(PartnerAgreement.valid_from, PartnerAgreement.id)
    )
    if secretary_id is not None:
        query = query.where(PartnerAgreement.secretary_id == secretary_id)
    found: dict[int, list[AgreementRow]] = {}
    for a, name in session.execute(query):
        found.setdefault(a.secretary_id, []).append(
            AgreementRow(a.id, name or "", a.valid_from, a.mode, a.percent, a.fixed_cents)
        )
    return found


def all_contracts(session: Session) -> dict[int, list[Contract]]:
    """Per client, its contract versions by date (one query, however many clients)."""
    found: dict[int, list[Contract]] = {}
    for row in session.scalars(select(Contract).order_by(Contract.valid_from)):
        found.setdefault(row.client_id, []).append(row)
    return found

"""Price plans (templates), contracts per client versioned by date, partner agreements."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desk.base.errors import Conflict, DomainError, NotFound
from desk.billing.pricing import Rates, Share
from desk.models import Client, Contract, PartnerAgreement, PricePlan, Secretary
from desk.models.billing import PartnerMode

PRICE_FIELDS = (
    "monthly_fee_cents",
    "included_calls",
    "per_call_cents",
    "per_block_cents",
    "block_seconds",
    "per_appointment_cents",
    "per_message_cents",
    "per_sms_cents",
    "surcharge_percent",
    "vat_rate_bp",
    "vat_franchise",
    "payment_days",
)


def _check_prices(prices: dict[str, Any]) -> dict[str, Any]:
    unknown = set(prices) - set(PRICE_FIELDS)
    if unknown:
        raise ValueError(f"unknown price fields: {sorted(unknown)}")
    for name, value in prices.items():
        if name == "vat_franchise":
            continue
        if not isinstance(value, int) or value < 0:
            raise DomainError("billing_negative_price", field=name)
    if prices.get("block_seconds", 60) < 1:
        raise DomainError("billing_negative_price", field="block_seconds")
    return prices


def create_plan(session: Session, name: str, **prices: Any) -> PricePlan:
    name = name.strip()
    if not name:
        raise DomainError("billing_plan_name_required", field="name")
    if session.scalar(select(PricePlan.id).where(PricePlan.name == name)) is not None:
        raise Conflict("billing_plan_exists", field="name", name=name)
    plan = PricePlan(name=name, **_check_prices(prices))
    session.add(plan)
    session.flush()
    return plan


def plan_by_name(session: Session, name: str) -> PricePlan:
    plan = session.scalar(select(PricePlan).where(PricePlan.name == name))
    if plan is None:
        raise NotFound("billing_plan_unknown", name=name)
    return plan


def set_contract(
    session: Session,
    client_id: int,
    valid_from: date,
    *,
    plan: PricePlan | None = None,
    quote_id: int | None = None,
    **prices: Any,
) -> Contract:
    """A new contract version from `valid_from`: the plan's prices, then `prices` over them.

    The past is never rewritten: a version may be replaced only while nothing was invoiced
    with it, and only on its own date.
    """
    base = {name: getattr(plan, name) for name in PRICE_FIELDS} if plan is not None else {}
    base.update(_check_prices(prices))
    existing = session.scalar(
        select(Contract).where(Contract.client_id == client_id, Contract.valid_from == valid_from)
    )
    if existing is not None:
        raise Conflict("billing_contract_exists", field="valid_from", day=valid_from.isoformat())
    contract = Contract(
        client_id=client_id,
        valid_from=valid_from,
        plan_id=plan.id if plan is not None else None,
        quote_id=quote_id,
        **base,
    )
    session.add(contract)
    session.flush()
    return contract


def contracts_of(session: Session, client_id: int) -> list[Contract]:
    return list(
        session.scalars(
            select(Contract).where(Contract.client_id == client_id).order_by(Contract.valid_from)
        )
    )


def rates_of(contract: Contract) -> Rates:
    return Rates(
        valid_from=contract.valid_from,
        contract_id=contract.id,
        **{name: getattr(contract, name) for name in PRICE_FIELDS},
    )


def set_agreement(
    session: Session,
    secretary_id: int,
    valid_from: date,
    *,
    mode: str = PartnerMode.PERCENT,
    percent: int = 0,
    fixed_cents: int = 0,
    client_id: int | None = None,
) -> PartnerAgreement:
    """A partner's share from `valid_from`, for one client or (client_id None) all."""
    secretary = session.get(Secretary, secretary_id)
    if secretary is None:
        raise NotFound("not_found")
    if not secretary.is_partner:
        raise DomainError("billing_not_a_partner", name=secretary.name)
    mode = PartnerMode(mode)
    if mode == PartnerMode.PERCENT and not 0 <= percent <= 100:
        raise DomainError("billing_bad_percent", field="percent")
    if fixed_cents < 0:
        raise DomainError("billing_negative_price", field="fixed_cents")
    agreement = PartnerAgreement(
        secretary_id=secretary_id,
        client_id=client_id,
        valid_from=valid_from,
        mode=mode,
        percent=percent,
        fixed_cents=fixed_cents,
    )
    session.add(agreement)
    session.flush()
    return agreement


def shares_for(session: Session, client_id: int) -> dict[int, list[Share]]:
    """Per partner, the agreement versions that apply to `client_id`.

    A client's own agreement wins over the general one from its date on.
    """
    rows = session.scalars(
        select(PartnerAgreement)
        .where(or_(PartnerAgreement.client_id == client_id, PartnerAgreement.client_id.is_(None)))
        .order_by(PartnerAgreement.valid_from)
    ).all()
    shares: dict[int, list[Share]] = {}
    specific_since: dict[int, date] = {}
    for row in rows:
        if row.client_id is not None:
            first = specific_since.get(row.secretary_id)
            if first is None or row.valid_from < first:
                specific_since[row.secretary_id] = row.valid_from
    for row in rows:
        since = specific_since.get(row.secretary_id)
        if row.client_id is None and since is not None and row.valid_from >= since:
            continue  # the client's own agreement is in force
        shares.setdefault(row.secretary_id, []).append(
            Share(row.valid_from, row.mode, row.percent, row.fixed_cents, row.id)
        )
    return shares


def client_by_slug(session: Session, slug: str) -> Client:
    client = session.scalar(select(Client).where(Client.slug == slug))
    if client is None:
        raise NotFound("billing_client_unknown", slug=slug)
    return client

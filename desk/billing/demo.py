"""The demo's money side: a price plan and contract for the Cabinet dentaire du Parc, the
desk's legal identity (its IBAN, RCS and capital), and Inès's agreement as a partner
(idempotent)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.billing.parties import set_buyer, set_seller
from desk.billing.plans import create_plan, set_agreement, set_contract
from desk.models import (
    Contract,
    DeskIdentity,
    PartnerAgreement,
    PricePlan,
    Secretary,
    SellerIdentity,
)
from desk.models.billing import PartnerMode

DEMO_PLAN = "Permanence essentielle"
DEMO_PRICES = dict(
    monthly_fee_cents=8900,
    included_calls=20,
    per_call_cents=120,
    per_block_cents=25,
    block_seconds=60,
    per_appointment_cents=150,
    per_message_cents=50,
    per_sms_cents=10,
    surcharge_percent=25,
    vat_rate_bp=2000,
    payment_days=30,
)
INES_PERCENT = 60


def load_billing_demo(session: Session, client_id: int, today: date) -> None:
    if session.scalar(select(SellerIdentity.id).limit(1)) is None:
        set_seller(
            session,
            name="Permanence des Tilleuls",
            siren="912345675",
            address="8 rue des Tilleuls\n69006 Lyon",
            vat_number="FR40912345675",
            email="facturation@permanence.test",
            iban="FR76 3000 6000 0112 3456 7890 189",
        )
    desk = DeskIdentity.get(session)
    if desk is not None and not desk.iban:
        # What the identity page asks for invoices: the demo's invoices say how to be paid.
        desk.legal_form, desk.share_capital_cents = "SAS", 500000
        desk.rcs_city, desk.rcs_number = "Montpellier", desk.siret[:9]
        desk.iban, desk.bic = "FR7630006000011234567890189", "AGRIFRPP"
    plan = session.scalar(select(PricePlan).where(PricePlan.name == DEMO_PLAN))
    if plan is None:
        plan = create_plan(session, DEMO_PLAN, **DEMO_PRICES)
    if session.scalar(select(Contract.id).where(Contract.client_id == client_id)) is None:
        # From January 1st, so calls simulated earlier this year are billed too.
        set_contract(session, client_id, today.replace(month=1, day=1), plan=plan)
        set_buyer(
            session,
            client_id,
            legal_name="SELARL Cabinet dentaire du Parc",
            siren="812345676",
            address="12 avenue du Parc\n75015 Paris",
            billing_email="accueil@cabinet-du-parc.test",
        )
    ines = session.scalar(select(Secretary).where(Secretary.name == "Inès"))
    if ines is not None and ines.is_partner:
        has = session.scalar(
            select(PartnerAgreement.id).where(PartnerAgreement.secretary_id == ines.id)
        )
        if has is None:
            set_agreement(
                session,
                ines.id,
                today.replace(month=1, day=1),
                mode=PartnerMode.PERCENT,
                percent=INES_PERCENT,
            )

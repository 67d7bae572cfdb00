"""Who sells and who buys: the desk's legal identity and each client's, for documents."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum import iban as stdnum_iban

from desk.base.errors import DomainError
from desk.billing.document import Party
from desk.billing.money import euros
from desk.models import BuyerIdentity, Client, Contact, DeskIdentity, SellerIdentity

# Late-payment penalty rate when the seller sets none: the ECB rate plus 10 points
# (Code de commerce L441-10), rounded up to a round 12 % a year.
DEFAULT_PENALTY_RATE_BP = 1200


def seller(session: Session) -> Party:
    """The desk's identity from its set-up page (`DeskIdentity`), with the billing e-mail
    and IBAN kept by billing; billing's own row when the set-up page was never filled."""
    row = session.scalar(select(SellerIdentity).order_by(SellerIdentity.id).limit(1))
    desk = DeskIdentity.get(session)
    if desk is not None:
        iban = desk.iban or (row.iban if row is not None else "")
        return Party(
            desk.legal_name,
            desk.siret[:9],  # a SIRET starts with the SIREN
            desk.address,
            desk.vat_number or "",
            row.email if row is not None else "",
            stdnum_iban.format(iban) if iban else "",
            legal_form=desk.legal_form,
            rcs=f"RCS {desk.rcs_city} {_grouped(desk.rcs_number)}" if desk.rcs_number else "",
            share_capital=(
                euros(desk.share_capital_cents) if desk.share_capital_cents is not None else ""
            ),
            bic=desk.bic,
        )
    if row is None:
        raise DomainError("billing_seller_missing")
    return Party(row.name, row.siren, row.address, row.vat_number, row.email, row.iban)


def _grouped(siren: str) -> str:
    """'912345675' -> '912 345 675', as a SIREN is written."""
    return " ".join(siren[i : i + 3] for i in range(0, len(siren), 3))


def set_seller(
    session: Session,
    *,
    name: str,
    siren: str,
    address: str,
    vat_number: str = "",
    email: str = "",
    iban: str = "",
) -> SellerIdentity:
    """Create or replace the desk's identity (issued invoices keep their own copy)."""
    siren = siren.replace(" ", "")
    if not (siren.isdigit() and len(siren) in (9, 14)):
        raise DomainError("billing_bad_siren", field="siren")
    row = session.scalar(select(SellerIdentity).order_by(SellerIdentity.id).limit(1))
    if row is None:
        row = SellerIdentity(name=name, siren=siren)
        session.add(row)
    row.name, row.siren, row.address = name, siren, address
    row.vat_number, row.email, row.iban = vat_number, email, iban
    session.flush()
    return row


def buyer(session: Session, client: Client) -> Party:
    row = session.get(BuyerIdentity, client.id)
    if row is None:
        return Party(client.name, email=billing_email(session, client))
    return Party(
        row.legal_name,
        row.siren,
        row.address,
        row.vat_number,
        row.billing_email or billing_email(session, client),
    )


def set_buyer(
    session: Session,
    client_id: int,
    *,
    legal_name: str,
    siren: str = "",
    address: str = "",
    vat_number: str = "",
    billing_email: str = "",
) -> BuyerIdentity:
    siren = siren.replace(" ", "")
    if siren and not (siren.isdigit() and len(siren) in (9, 14)):
        raise DomainError("billing_bad_siren", field="siren")
    row = session.get(BuyerIdentity, client_id)
    if row is None:
        row = BuyerIdentity(client_id=client_id, legal_name=legal_name)
        session.add(row)
    row.legal_name, row.siren, row.address = legal_name, siren, address
    row.vat_number, row.billing_email = vat_number, billing_email
    session.flush()
    return row


def billing_email(session: Session, client: Client) -> str:
    """The client's billing address: its identity's, else its first contact with an e-mail."""
    row = session.get(BuyerIdentity, client.id)
    if row is not None and row.billing_email:
        return row.billing_email
    email = session.scalar(
        select(Contact.email)
        .where(Contact.client_id == client.id, Contact.email.isnot(None), Contact.email != "")
        .order_by(Contact.id)
        .limit(1)
    )
    return email or ""

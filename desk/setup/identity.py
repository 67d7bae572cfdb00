"""The set-up of an empty desk: who the desk is, and its first admin account.

`needs_setup` is true while no login exists; `set_up` writes the identity and the admin
in the caller's transaction (the set-up page and `desk admin create` commit).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.fr import tva

from desk.base import checks
from desk.base.errors import DomainError
from desk.billing import amounts
from desk.models import DeskIdentity, User, VatStatus
from desk.models.desk_identity import IDENTITY_ID
from desk.people.accounts import create_user


@dataclass(frozen=True)
class IdentityInput:
    desk_name: str
    legal_name: str
    siret: str
    address: str
    vat_status: str
    vat_number: str = ""
    timezone: str = "Europe/Paris"
    # For invoices: a company's legal form, RCS and capital; how to be paid.
    legal_form: str = ""
    rcs_city: str = ""
    rcs_number: str = ""
    share_capital: str = ""
    iban: str = ""
    bic: str = ""
    payment_days: str = "30"


@dataclass(frozen=True)
class Banking:
    legal_form: str
    rcs_city: str
    rcs_number: str
    share_capital_cents: int | None
    iban: str
    bic: str
    payment_days: int


def banking(data: IdentityInput) -> Banking:
    """The invoice fields, checked: the IBAN and BIC by python-stdnum, the RCS whole."""
    legal_form = checks.text(data.legal_form, "legal_form", max_len=60, required=False)
    rcs_city = checks.text(data.rcs_city, "rcs_city", max_len=100, required=False)
    rcs_number = "".join(data.rcs_number.split())
    if rcs_number and not (rcs_number.isdigit() and len(rcs_number) == 9):
        raise DomainError("billing_bad_siren", field="rcs_number")
    if bool(rcs_city) != bool(rcs_number):
        raise DomainError("rcs_incomplete", field="rcs_number" if rcs_city else "rcs_city")
    capital = (
        amounts.cents(data.share_capital, "share_capital") if data.share_capital.strip() else None
    )
    iban = stdnum_iban.compact(data.iban) if data.iban.strip() else ""
    if iban and not stdnum_iban.is_valid(iban):
        raise DomainError("iban_invalid", field="iban", value=data.iban.strip())
    bic = stdnum_bic.compact(data.bic) if data.bic.strip() else ""
    if bic and not stdnum_bic.is_valid(bic):
        raise DomainError("bic_invalid", field="bic", value=data.bic.strip())
    days_text = data.payment_days.strip() or "30"
    if not (days_text.isascii() and days_text.isdigit()) or int(days_text) > 60:
        raise DomainError("payment_days_invalid", field="payment_days")
    return Banking(legal_form, rcs_city, rcs_number, capital, iban, bic, int(days_text))


def needs_setup(session: Session) -> bool:
    """True on an empty desk: nobody can log in yet."""
    return session.scalar(select(User.id).limit(1)) is None


def save_identity(session: Session, data: IdentityInput) -> DeskIdentity:
    """Create or update the desk's one identity row."""
    desk_name = checks.text(data.desk_name, "desk_name")
    legal_name = checks.text(data.legal_name, "legal_name")
    siret = checks.siret(data.siret)
    address = checks.text(data.address, "address", max_len=1000)
    if data.vat_status not in tuple(VatStatus):
        raise DomainError("vat_status_unknown", field="vat_status")
    vat_number = "".join(data.vat_number.split()).upper() or None
    # python-stdnum checks the key against the SIREN, so a typo is caught here.
    if vat_number is not None and not tva.is_valid(vat_number):
        raise DomainError("vat_number_invalid", field="vat_number", value=data.vat_number)
    if data.vat_status == VatStatus.SUBJECT and vat_number is None:
        raise DomainError("required", field="vat_number")
    timezone = checks.timezone(data.timezone)
    bank = banking(data)
    row = DeskIdentity.get(session)
    if row is None:
        row = DeskIdentity(id=IDENTITY_ID, desk_name=desk_name, legal_name=legal_name)
        session.add(row)
    row.desk_name = desk_name
    row.legal_name = legal_name
    row.siret = siret
    row.address = address
    row.vat_status = data.vat_status
    row.vat_number = vat_number
    row.timezone = timezone
    row.legal_form, row.rcs_city, row.rcs_number = bank.legal_form, bank.rcs_city, bank.rcs_number
    row.share_capital_cents, row.iban, row.bic = bank.share_capital_cents, bank.iban, bank.bic
    row.payment_days = bank.payment_days
    session.flush()
    return row


def set_up(
    session: Session,
    identity: IdentityInput,
    admin_name: str,
    admin_email: str,
    password: str,
    confirm: str,
) -> User:
    """The first run: identity and first admin together, refused once anyone can log in."""
    if not needs_setup(session):
        raise DomainError("already_set_up")
    save_identity(session, identity)
    checks.password(password)
    if password != confirm:
        raise DomainError("passwords_differ", field="confirm")
    try:
        return create_user(
            session, email=admin_email, name=admin_name, role="admin", password=password
        )
    except DomainError as exc:
        # The set-up form names the admin's fields apart from the desk's own name.
        exc.field = {"email": "admin_email", "name": "admin_name"}.get(exc.field or "", exc.field)
        raise

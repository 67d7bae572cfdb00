"""The set-up of an empty desk: who the desk is, and its first admin account.

`needs_setup` is true while no login exists; `set_up` writes the identity and the admin
in the caller's transaction (the set-up page and `desk admin create` commit).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.fr import tva

from desk.base import checks
from desk.base.errors import DomainError
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

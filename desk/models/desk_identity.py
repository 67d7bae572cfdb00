"""The desk itself: its trading name and legal identity, one row, written by the set-up page.

Quotes and invoices (billing) read the legal identity from here: `DeskIdentity.get(session)`.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String, Text, false
from sqlalchemy.orm import Mapped, Session, mapped_column

from desk.base.clock import system_now
from desk.models.base import Base

IDENTITY_ID = 1


class VatStatus(enum.StrEnum):
    # Charges VAT (20 %) and shows its intra-community VAT number.
    SUBJECT = "subject"
    # Franchise en base (art. 293 B du CGI): no VAT, the invoice says so.
    FRANCHISE = "franchise"


class DeskIdentity(Base):
    """Exactly one row (id 1): who the desk is, for its pages, quotes and invoices."""

    __tablename__ = "desk_identity"

    id: Mapped[int] = mapped_column(primary_key=True, default=IDENTITY_ID)
    desk_name: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str] = mapped_column(String(14))
    address: Mapped[str] = mapped_column(Text)
    vat_status: Mapped[str] = mapped_column(String(16), default=VatStatus.FRANCHISE)
    vat_number: Mapped[str | None] = mapped_column(String(20))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    # What a French invoice must also say of a company (Code de commerce R123-237), and
    # how to be paid: printed on quotes and invoices, the IBAN carried in the Factur-X data.
    legal_form: Mapped[str] = mapped_column(String(60), default="", server_default="")
    rcs_city: Mapped[str] = mapped_column(String(100), default="", server_default="")
    rcs_number: Mapped[str] = mapped_column(String(20), default="", server_default="")
    share_capital_cents: Mapped[int | None]
    iban: Mapped[str] = mapped_column(String(40), default="", server_default="")
    bic: Mapped[str] = mapped_column(String(11), default="", server_default="")
    payment_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # Secretaries may use the Simulator (admins always may): set by an admin.
    training_mode: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=system_now)

    @classmethod
    def get(cls, session: Session) -> DeskIdentity | None:
        return session.get(cls, IDENTITY_ID)

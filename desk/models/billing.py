"""The money side: price plans, contracts, partner agreements, missions, invoices, payments,
payouts and quotes. Amounts in integer euro cents; rates in basis points (2000 = 20 %).

Issued invoices and their lines are never updated nor deleted, and the numbering counter
only ever moves up by one: the database refuses anything else (triggers made by migrations
0009 and 0018, see `IMMUTABLE_TABLES` and `SEALED_TABLES`); what changes after issue (sent,
paid, reminders, credited) lives in `invoice_tracking`, and a credit note corrects an invoice.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.base.clock import system_now
from desk.models.base import Base

# Tables whose rows the database refuses to UPDATE (an issued document is final).
IMMUTABLE_TABLES = ("invoices", "invoice_lines")
# Tables whose rows the database refuses to DELETE (the counter: nor to rewind).
SEALED_TABLES = ("invoices", "invoice_lines", "invoice_tracking", "invoice_counters")


class PartnerMode(enum.StrEnum):
    PERCENT = "percent"  # a share of what the client pays for her missions
    PER_CALL = "per-call"  # a fixed price per mission
    PER_MINUTE = "per-minute"  # a fixed price per started minute of her calls


class MissionKind(enum.StrEnum):
    CALL = "call"
    VOICEMAIL = "voicemail"
    MESSAGE = "message"
    APPOINTMENT = "appointment"
    SMS = "sms"
    OFFER = "offer"  # a rota gap taken through an offer (desk/offers): paid per its agreement


class InvoiceKind(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit-note"


class InvoiceState(enum.StrEnum):
    ISSUED = "issued"
    SENT = "sent"
    PAID = "paid"
    OVERDUE = "overdue"
    # Cancelled by a credit note: owes nothing, gets no payment and no reminder.
    CREDITED = "credited"


class QuoteState(enum.StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"


class Prices:
    """The price columns a plan and a contract share (a contract copies its plan's)."""

    monthly_fee_cents: Mapped[int] = mapped_column(default=0)
    included_calls: Mapped[int] = mapped_column(default=0)
    per_call_cents: Mapped[int] = mapped_column(default=0)
    per_block_cents: Mapped[int] = mapped_column(default=0)
    # A started block of this many seconds is billed whole: 60 bills per started minute.
    block_seconds: Mapped[int] = mapped_column(default=60)
    per_appointment_cents: Mapped[int] = mapped_column(default=0)
    per_message_cents: Mapped[int] = mapped_column(default=0)
    per_sms_cents: Mapped[int] = mapped_column(default=0)
    # Added to missions outside 08:00-19:00 on weekdays, on Saturdays, Sundays and holidays.
    surcharge_percent: Mapped[int] = mapped_column(default=0)
    vat_rate_bp: Mapped[int] = mapped_column(default=2000)
    # Franchise en base: no VAT, "TVA non applicable, art. 293 B du CGI" on the invoice.
    vat_franchise: Mapped[bool] = mapped_column(default=False)
    payment_days: Mapped[int] = mapped_column(default=30)


class PricePlan(Prices, Base):
    """A reusable template of prices; a contract copies it when made."""

    __tablename__ = "price_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=system_now)


class Contract(Prices, Base):
    """What a client pays from `valid_from` until the next version's date (never rewritten)."""

    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("client_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("price_plans.id"))
    valid_from: Mapped[date]
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id"))
    created_at: Mapped[datetime] = mapped_column(default=system_now)


class PartnerAgreement(Base):
    """A partner's share (protocole d'accord), for all clients or one, from a date."""

    __tablename__ = "partner_agreements"
    __table_args__ = (UniqueConstraint("secretary_id", "client_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    secretary_id: Mapped[int] = mapped_column(ForeignKey("secretaries.id", ondelete="CASCADE"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    valid_from: Mapped[date]
    mode: Mapped[str] = mapped_column(String(16), default=PartnerMode.PERCENT)
    percent: Mapped[int] = mapped_column(default=0)
    fixed_cents: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=system_now)


class Mission(Base):
    """One piece of work, derived from a call, message, appointment or SMS (recomputable)."""

    __tablename__ = "missions"
    __table_args__ = (Index("ix_missions_client_month", "client_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64), unique=True)  # "call:12", "message:3"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, local to the client
    kind: Mapped[str] = mapped_column(String(16))
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("secretaries.id"), index=True)
    by_partner: Mapped[bool] = mapped_column(default=False)
    occurred_at: Mapped[datetime]
    duration_seconds: Mapped[int] = mapped_column(default=0)
    blocks: Mapped[int] = mapped_column(default=0)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    included: Mapped[bool] = mapped_column(default=False)
    surcharged: Mapped[bool] = mapped_column(default=False)
    # List price (before included calls are deducted) and what the client is billed.
    list_cents: Mapped[int] = mapped_column(default=0)
    surcharge_cents: Mapped[int] = mapped_column(default=0)
    billed_cents: Mapped[int] = mapped_column(default=0)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("partner_agreements.id"))
    partner_cents: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(default=system_now)


class InvoiceCounter(Base):
    """The last number given per (series, year): locked while a number is taken."""

    __tablename__ = "invoice_counters"

    series: Mapped[str] = mapped_column(String(8), primary_key=True)  # "F" invoices, "D" quotes
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Invoice(Base):
    """An issued invoice or credit note. Final: the database refuses updates."""

    __tablename__ = "invoices"
    __table_args__ = (Index("ix_invoices_client_month", "client_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default=InvoiceKind.INVOICE)
    # "client-id:YYYY-MM" for a monthly statement: a second `issue` finds it and stops.
    statement_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    month: Mapped[str] = mapped_column(String(7))
    credited_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    issued_on: Mapped[date]
    due_on: Mapped[date]
    seller: Mapped[dict[str, Any]] = mapped_column(JSON)
    buyer: Mapped[dict[str, Any]] = mapped_column(JSON)
    total_ht_cents: Mapped[int]
    total_vat_cents: Mapped[int]
    total_ttc_cents: Mapped[int]
    # [[rate_bp, base_cents, vat_cents], ...]
    vat_breakdown: Mapped[list[Any]] = mapped_column(JSON)
    vat_note: Mapped[str] = mapped_column(String(200), default="")
    penalty_rate_bp: Mapped[int]
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=system_now)

    lines: Mapped[list[InvoiceLine]] = relationship(order_by="InvoiceLine.position")


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (UniqueConstraint("invoice_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int]
    unit_cents: Mapped[int]
    total_cents: Mapped[int]
    vat_rate_bp: Mapped[int]


class InvoiceTracking(Base):
    """What happens to an invoice after issue: sending, payment, reminders (claimed by CAS)."""

    __tablename__ = "invoice_tracking"

    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(16), default=InvoiceState.ISSUED)
    sent_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    paid_cents: Mapped[int] = mapped_column(default=0)
    reminder_7_at: Mapped[datetime | None]
    reminder_15_at: Mapped[datetime | None]
    reminder_30_at: Mapped[datetime | None]
    # Claimed by compare-and-set (`UPDATE … WHERE credited_at IS NULL`) before a credit
    # note is written: one credit note per invoice, however many run at once.
    credited_at: Mapped[datetime | None]


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount_cents: Mapped[int]
    received_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(32), default="virement")
    reference: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=system_now)


class CoverageDecision(Base):
    """An admin's decision on a client's coverage: suspend, resume, or start without a quote."""

    __tablename__ = "coverage_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # suspend, resume, override
    reason: Mapped[str] = mapped_column(Text, default="")
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=system_now)


class Quote(Base):
    """A devis sent to a prospect; accepting it creates the client and its contract."""

    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    prospect_name: Mapped[str] = mapped_column(String(200))
    prospect_email: Mapped[str] = mapped_column(String(254))
    prospect_siren: Mapped[str] = mapped_column(String(14), default="")
    prospect_address: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan_id: Mapped[int] = mapped_column(ForeignKey("price_plans.id"))
    monthly_estimate_cents: Mapped[int]
    issued_on: Mapped[date]
    valid_until: Mapped[date]
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=QuoteState.SENT)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_name: Mapped[str | None] = mapped_column(String(200))
    accepted_ip: Mapped[str | None] = mapped_column(String(64))
    accepted_sha256: Mapped[str | None] = mapped_column(String(64))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    created_at: Mapped[datetime] = mapped_column(default=system_now)


class SellerIdentity(Base):
    """The desk's own legal identity, printed on invoices and quotes (one row)."""

    __tablename__ = "billing_seller"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    siren: Mapped[str] = mapped_column(String(14))
    address: Mapped[str] = mapped_column(Text, default="")
    vat_number: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    iban: Mapped[str] = mapped_column(String(40), default="")


class BuyerIdentity(Base):
    """A client's legal identity for invoices (SIREN, address, billing e-mail)."""

    __tablename__ = "billing_buyers"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    legal_name: Mapped[str] = mapped_column(String(200))
    siren: Mapped[str] = mapped_column(String(14), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    vat_number: Mapped[str] = mapped_column(String(20), default="")
    billing_email: Mapped[str] = mapped_column(String(254), default="")


class BillingTemplate(Base):
    """An admin's wording of an invoice e-mail or a reminder (defaults in the code)."""

    __tablename__ = "billing_templates"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)  # invoice, reminder-7, …
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=system_now)

"""After an invoice is issued: sending it, payments, reminders, late penalties, and the
admin's decision to suspend a bad payer's coverage.

Every e-mail goes through the outbox with the invoice's PDF attached. A reminder level is
claimed with a compare-and-set (`UPDATE … SET reminder_7_at = now WHERE reminder_7_at IS
NULL`) in the transaction that enqueues it, with a dedupe key as a second lock: two sweeps
at once, or a sweep rerun after a crash, never send one twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from desk.base.db import begin_immediate
from desk.base.errors import Conflict, DomainError, NotFound
from desk.billing.document import RECOVERY_INDEMNITY_CENTS
from desk.billing.money import euros, round_cents
from desk.billing.parties import billing_email
from desk.billing.wording import balance_text, key_for, wording
from desk.models import Client, CoverageDecision, Invoice, InvoiceTracking, Payment, Quote
from desk.models.billing import InvoiceKind, InvoiceState, QuoteState
from desk.models.states import Channel
from desk.outbox.queue import enqueue

REMINDER_DAYS = (7, 15, 30)
REMINDER_COLUMNS: dict[int, Any] = {
    7: InvoiceTracking.reminder_7_at,
    15: InvoiceTracking.reminder_15_at,
    30: InvoiceTracking.reminder_30_at,
}


def _mail(session: Session, invoice: Invoice, level: int, paid: int) -> None:
    client = session.get(Client, invoice.client_id)
    assert client is not None
    recipient = invoice.buyer.get("email") or billing_email(session, client)
    if not recipient:
        raise DomainError("billing_bad_email", field="email")
    values = {
        "number": invoice.number,
        "seller": invoice.seller.get("name", ""),
        "due": f"{invoice.due_on:%d/%m/%Y}",
        "issued": f"{invoice.issued_on:%d/%m/%Y}",
        "total": euros(invoice.total_ttc_cents),
        "balance": balance_text(euros(invoice.total_ttc_cents - paid), client.locale)
        if paid
        else "",
    }
    words = wording(session, key_for(level), client.locale)  # the defaults in its language
    enqueue(
        session,
        channel=Channel.EMAIL,
        recipient=recipient,
        subject=words.subject.format(**values),
        body=words.body.format(**values),
        kind="invoice" if level == 0 else "invoice-reminder",
        client_id=invoice.client_id,
        dedupe_key=f"invoice:{invoice.id}:{level}",
        attachments=[(f"{invoice.number}.pdf", "application/pdf", invoice.pdf)],
    )


def send_invoice(session: Session, number: str, now: datetime) -> Invoice:
    """E-mail an issued invoice to the client (once; a second call changes nothing)."""
    invoice = session.scalar(select(Invoice).where(Invoice.number == number))
    if invoice is None:
        raise NotFound("billing_invoice_unknown", number=number)
    tracking = session.get(InvoiceTracking, invoice.id)
    assert tracking is not None
    if tracking.credited_at is not None:
        raise Conflict("billing_invoice_credited", number=number)
    _mail(session, invoice, 0, tracking.paid_cents)
    if tracking.state == InvoiceState.ISSUED:
        tracking.state, tracking.sent_at = InvoiceState.SENT, now
    session.flush()
    return invoice


def record_payment(
    session: Session,
    number: str,
    amount_cents: int,
    received_on: date,
    now: datetime,
    method: str = "virement",
    reference: str = "",
) -> InvoiceTracking:
    """A full or partial payment; the invoice is paid when nothing is left."""
    begin_immediate(session)  # SQLite: reads then writes, like a credit note racing it
    invoice = session.scalar(select(Invoice).where(Invoice.number == number))
    if invoice is None or invoice.kind != InvoiceKind.INVOICE:
        raise NotFound("billing_invoice_unknown", number=number)
    if amount_cents <= 0:
        raise DomainError("billing_bad_amount", field="amount")
    # Locked first, then read again: a credit note claims this row (credited_at) too, so a
    # payment and a credit note racing for one invoice are taken one after the other.
    tracking = session.get(
        InvoiceTracking, invoice.id, with_for_update=True, populate_existing=True
    )
    assert tracking is not None
    if tracking.credited_at is not None:
        # Cancelled by a credit note: nothing is owed on it any more.
        raise Conflict("billing_invoice_credited", field="number", number=number)
    left = invoice.total_ttc_cents - tracking.paid_cents
    if amount_cents > left:
        raise Conflict("billing_overpaid", field="amount", left=euros(left))
    session.add(
        Payment(
            invoice_id=invoice.id,
            amount_cents=amount_cents,
            received_on=received_on,
            method=method,
            reference=reference,
        )
    )
    tracking.paid_cents += amount_cents
    if tracking.paid_cents == invoice.total_ttc_cents:
        tracking.state, tracking.paid_at = InvoiceState.PAID, now
    session.flush()
    return tracking


@dataclass(frozen=True)
class Penalty:
    days_late: int
    unpaid_cents: int
    interest_cents: int
    indemnity_cents: int

    @property
    def total_cents(self) -> int:
        return self.interest_cents + self.indemnity_cents


def late_penalty(invoice: Invoice, paid_cents: int, today: date, owed: bool = True) -> Penalty:
    """Interest at the invoice's annual rate on what is unpaid, per day late, plus the 40 €
    fixed indemnity (owed once the due date is passed). Nothing on an invoice that is not
    `owed` (cancelled by a credit note)."""
    days = max(0, (today - invoice.due_on).days)
    unpaid = max(0, invoice.total_ttc_cents - paid_cents) if owed else 0
    if not days or not unpaid:
        return Penalty(days, unpaid, 0, 0)
    interest = round_cents(unpaid * invoice.penalty_rate_bp * days, 10_000 * 365)
    return Penalty(days, unpaid, interest, RECOVERY_INDEMNITY_CENTS)


def send_due_reminders(session: Session, today: date, now: datetime) -> list[tuple[str, int]]:
    """Mark unpaid invoices past due as overdue and e-mail each reminder level once.

    When a sweep finds several levels due (the scheduler was down), only the highest is
    sent; the lower ones are claimed too, so they never go out late.
    """
    sent: list[tuple[str, int]] = []
    rows = session.execute(
        select(Invoice, InvoiceTracking)
        .join(InvoiceTracking, InvoiceTracking.invoice_id == Invoice.id)
        .where(Invoice.kind == InvoiceKind.INVOICE)
        .where(InvoiceTracking.state.not_in((InvoiceState.PAID, InvoiceState.CREDITED)))
        .where(InvoiceTracking.credited_at.is_(None), Invoice.due_on < today)
        .order_by(Invoice.id)
    ).all()
    for invoice, tracking in rows:
        session.execute(
            update(InvoiceTracking)
            .where(InvoiceTracking.invoice_id == invoice.id)
            .where(InvoiceTracking.state.in_((InvoiceState.ISSUED, InvoiceState.SENT)))
            .values(state=InvoiceState.OVERDUE)
        )
        due_levels = [d for d in REMINDER_DAYS if invoice.due_on + timedelta(days=d) <= today]
        claimed = []
        for level in due_levels:
            column = REMINDER_COLUMNS[level]
            won = session.execute(
                update(InvoiceTracking)
                .where(InvoiceTracking.invoice_id == invoice.id, column.is_(None))
                .where(InvoiceTracking.credited_at.is_(None))  # credited meanwhile: owed nothing
                .values({column.key: now})
                .execution_options(synchronize_session=False)
            )
            if won.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(level)
        if claimed:
            _mail(session, invoice, max(claimed), tracking.paid_cents)
            sent.append((invoice.number, max(claimed)))
    return sent


def overdue_client_ids(session: Session) -> set[int]:
    """Clients with an invoice overdue: the badge secretaries see."""
    return set(
        session.scalars(
            select(Invoice.client_id)
            .join(InvoiceTracking, InvoiceTracking.invoice_id == Invoice.id)
            .where(InvoiceTracking.state == InvoiceState.OVERDUE)
        )
    )


COVERAGE_LISTED = 50  # clients in the coverage table; more are found by name


def coverage_watch(session: Session, search: str = "") -> tuple[list[Client], int]:
    """The coverage table's clients and how many match: those whose name holds `search`,
    or else those that wait for a decision (an invoice overdue, coverage suspended, or
    neither an accepted quote nor an admin's written reason), the first
    `COVERAGE_LISTED` by name. A 1,000-client desk listed them all (a 1 MB page)."""
    if search.strip():
        wanted = func.lower(Client.name).contains(search.strip().lower())
    else:
        overdue = (
            select(Invoice.client_id)
            .join(InvoiceTracking, InvoiceTracking.invoice_id == Invoice.id)
            .where(InvoiceTracking.state == InvoiceState.OVERDUE)
        )
        quoted = select(Quote.client_id).where(
            Quote.state == QuoteState.ACCEPTED, Quote.client_id.is_not(None)
        )
        decided = select(CoverageDecision.client_id).where(
            CoverageDecision.action == "override", CoverageDecision.client_id.is_not(None)
        )
        wanted = or_(
            Client.id.in_(overdue),
            Client.coverage_suspended,
            ~Client.id.in_(quoted.union(decided)),
        )
    query = select(Client).where(wanted)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    shown = session.scalars(query.order_by(Client.name, Client.id).limit(COVERAGE_LISTED))
    return list(shown), total


def balance_of(session: Session, client_id: int) -> int:
    """What the client owes on its issued invoices (credit notes deducted), in cents."""
    billed = session.execute(
        select(Invoice.kind, func.sum(Invoice.total_ttc_cents))
        .where(Invoice.client_id == client_id)
        .group_by(Invoice.kind)
    ).all()
    paid = session.scalar(
        select(func.coalesce(func.sum(Payment.amount_cents), 0))
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(Invoice.client_id == client_id)
    )
    total = sum(amount if kind == InvoiceKind.INVOICE else -amount for kind, amount in billed)
    return int(total) - int(paid or 0)


def decide_coverage(
    session: Session,
    client_id: int,
    action: str,
    reason: str,
    by_user_id: int | None,
    confirmed: bool,
) -> CoverageDecision:
    """The admin suspends or resumes a client's coverage. Suspended, its callers get the
    after-hours path. Nothing happens without the explicit confirmation."""
    if action not in ("suspend", "resume"):
        raise ValueError(f"unknown action {action!r}")
    if not confirmed:
        raise DomainError("billing_confirm_required", field="confirm")
    if action == "suspend" and not reason.strip():
        raise DomainError("billing_reason_required", field="reason")
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("not_found")
    if action == "resume" and client.coverage_suspended and _never_started(session, client_id):
        # Created outside a quote, not started: resuming would start it without a reason.
        raise DomainError("billing_no_accepted_quote", field="reason")
    client.coverage_suspended = action == "suspend"
    decision = CoverageDecision(
        client_id=client_id, action=action, reason=reason.strip(), by_user_id=by_user_id
    )
    session.add(decision)
    session.flush()
    return decision


def _never_started(session: Session, client_id: int) -> bool:
    """No accepted quote and no coverage decision yet: a client added by hand whose
    coverage has not started (see desk.clients.lifecycle.create_client)."""
    decided = session.scalar(
        select(CoverageDecision.id).where(CoverageDecision.client_id == client_id).limit(1)
    )
    accepted = session.scalar(
        select(Quote.id)
        .where(Quote.client_id == client_id, Quote.state == QuoteState.ACCEPTED)
        .limit(1)
    )
    return decided is None and accepted is None

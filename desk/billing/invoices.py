"""Monthly statements issued as invoices, and credit notes that correct them.

Issuing is idempotent: each (client, month) has one statement key, checked after the
counter lock is taken, so a second `issue` run (even one racing the first) finds the
invoice and issues nothing. An invoice is final once written: its PDF (Factur-X) is made
before the insert and kept in the row, and the database refuses any update.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk.base.db import begin_immediate
from desk.base.errors import Conflict, DomainError, NotFound
from desk.base.plain_text import one_line
from desk.billing.document import (
    CREDIT_NOTE_TYPE,
    INVOICE_TYPE,
    Document,
    Party,
    month_fr,
)
from desk.billing.facturx_xml import embed
from desk.billing.missions import last_day, parse_month, recompute, versions_of
from desk.billing.numbering import INVOICE_SERIES, lock_counter, next_number, take_number
from desk.billing.parties import DEFAULT_PENALTY_RATE_BP, buyer, seller
from desk.billing.pdf import render_invoice
from desk.billing.pricing import Line, Totals, statement_lines, totals
from desk.models import Client, Invoice, InvoiceLine, InvoiceTracking
from desk.models.billing import InvoiceKind, InvoiceState


@dataclass(frozen=True)
class Issued:
    number: str
    client_slug: str
    total_ttc_cents: int
    new: bool


def check_month(month: str, today: date) -> tuple[int, int]:
    try:
        year, number = parse_month(month)
    except ValueError:
        raise DomainError("billing_bad_month", field="month") from None
    if (year, number) > (today.year, today.month):
        raise DomainError("billing_future_month", field="month", month=month)
    return year, number


def statement_key(client_id: int, month: str) -> str:
    return f"{client_id}:{month}"


def issue_statements(
    session: Session, month: str, now: datetime, client_slug: str | None = None
) -> list[Issued]:
    """Issue the month's invoice of every active client with a contract (or of one).

    Holds the numbering lock (SQLite's write lock, PostgreSQL's counter row) from the
    first number to the commit, so numbers follow each other without gaps.
    """
    today = now.astimezone(ZoneInfo("Europe/Paris")).date()
    if check_month(month, today) == (today.year, today.month):
        # Its calls are not all made: a statement now would bill part of the month, and
        # issuing is idempotent, so the rest would never be billed.
        raise DomainError("billing_month_not_over", field="month", month=month)
    query = select(Client).where(Client.active).order_by(Client.id)
    if client_slug is not None:
        query = select(Client).where(Client.slug == client_slug)
    begin_immediate(session)
    clients = list(session.scalars(query))
    if client_slug is not None and not clients:
        raise NotFound("billing_client_unknown", slug=client_slug)
    issued: list[Issued] = []
    for client in clients:
        result = _issue_one(session, client, month, now, today)
        if result is not None:
            issued.append(result)
    return issued


def _current(session: Session, client_id: int, month: str) -> tuple[Invoice | None, str]:
    """The month's invoice still standing, or None and the key a new one takes.

    An invoice cancelled by a credit note keeps its key (it is immutable): the corrected
    one is issued under the next key ("12:2026-10:2"), so `issue` can bill the month again.
    """
    key, n = statement_key(client_id, month), 1
    while True:
        found = session.scalar(select(Invoice).where(Invoice.statement_key == key))
        if found is None:
            return None, key
        credited = session.scalar(
            select(InvoiceTracking.credited_at).where(InvoiceTracking.invoice_id == found.id)
        )
        if credited is None:
            return found, key
        n += 1
        key = f"{statement_key(client_id, month)}:{n}"


def _issue_one(
    session: Session, client: Client, month: str, now: datetime, today: date
) -> Issued | None:
    # The counter lock first: a second run waits here until the first commits, then
    # finds its invoice (and no two runs derive the same missions at once).
    counter = lock_counter(session, INVOICE_SERIES, today.year)
    found, key = _current(session, client.id, month)
    if found is not None:
        return Issued(found.number, client.slug, found.total_ttc_cents, False)
    versions = versions_of(session, client.id)
    in_month = [v for v in versions if v.valid_from <= last_day(month)]
    if not in_month:
        return None  # no contract yet: nothing to bill
    priced = recompute(session, client, month, now)
    year, number = parse_month(month)
    lines = statement_lines(priced, in_month, year, number)
    if not lines:
        return None
    franchise = in_month[-1].vat_franchise
    payment_days = in_month[-1].payment_days
    # A rollback after this gives the number back: it is taken in the invoice's transaction.
    invoice_number = take_number(counter, session)
    doc = Document(
        number=invoice_number,
        type_code=INVOICE_TYPE,
        issued_on=today,
        due_on=today + timedelta(days=payment_days),
        seller=seller(session),
        buyer=buyer(session, client),
        lines=lines,
        totals=totals(lines, franchise),
        period=month_fr(year, number),
        penalty_rate_bp=DEFAULT_PENALTY_RATE_BP,
        payment_days=payment_days,
    )
    invoice = _write(session, doc, client.id, month, key, None)
    return Issued(invoice.number, client.slug, invoice.total_ttc_cents, True)


def _write(
    session: Session,
    doc: Document,
    client_id: int,
    month: str,
    key: str | None,
    credited_id: int | None,
) -> Invoice:
    pdf = embed(render_invoice(doc), doc)
    invoice = Invoice(
        number=doc.number,
        kind=InvoiceKind.INVOICE if doc.type_code == INVOICE_TYPE else InvoiceKind.CREDIT_NOTE,
        statement_key=key,
        client_id=client_id,
        month=month,
        credited_invoice_id=credited_id,
        issued_on=doc.issued_on,
        due_on=doc.due_on,
        seller=doc.seller.as_dict(),
        buyer=doc.buyer.as_dict(),
        total_ht_cents=doc.totals.ht_cents,
        total_vat_cents=doc.totals.vat_cents,
        total_ttc_cents=doc.totals.ttc_cents,
        vat_breakdown=[list(row) for row in doc.totals.breakdown],
        vat_note=doc.totals.vat_note,
        penalty_rate_bp=doc.penalty_rate_bp,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    session.add(invoice)
    session.flush()
    for position, line in enumerate(doc.lines, start=1):
        session.add(
            InvoiceLine(
                invoice_id=invoice.id,
                position=position,
                label=line.label,
                quantity=line.quantity,
                unit_cents=line.unit_cents,
                total_cents=line.total_cents,
                vat_rate_bp=line.vat_rate_bp,
            )
        )
    session.add(InvoiceTracking(invoice_id=invoice.id))
    session.flush()
    return invoice


def invoice_by_number(session: Session, number: str) -> Invoice:
    invoice = session.scalar(select(Invoice).where(Invoice.number == number))
    if invoice is None:
        raise NotFound("billing_invoice_unknown", number=number)
    return invoice


def credit_note(session: Session, number: str, reason: str, now: datetime) -> Invoice:
    """A credit note for the whole of invoice `number` (re-issue a corrected one after).

    The invoice is claimed first by a compare-and-set on its tracking row (`credited_at`
    from NULL to now): of credit notes racing for one invoice, one claims it and the others
    are refused, on PostgreSQL too where `begin_immediate` locks nothing. A rollback after
    gives the claim back with the number.
    """
    if not reason.strip():
        raise DomainError("billing_reason_required", field="reason")
    begin_immediate(session)
    original = invoice_by_number(session, number)
    if original.kind != InvoiceKind.INVOICE:
        raise NotFound("billing_invoice_unknown", number=number)
    claimed = session.execute(
        update(InvoiceTracking)
        .where(InvoiceTracking.invoice_id == original.id, InvoiceTracking.credited_at.is_(None))
        .values(credited_at=now, state=InvoiceState.CREDITED)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("billing_already_credited", number=number)
    today = now.astimezone(ZoneInfo("Europe/Paris")).date()
    lines = [
        Line(line.label, line.quantity, line.unit_cents, line.total_cents, line.vat_rate_bp)
        for line in original.lines
    ]
    credit_number = next_number(session, INVOICE_SERIES, today.year)
    doc = Document(
        number=credit_number,
        type_code=CREDIT_NOTE_TYPE,
        issued_on=today,
        due_on=today,
        seller=Party.from_dict(original.seller),
        buyer=Party.from_dict(original.buyer),
        lines=lines,
        totals=Totals(
            original.total_ht_cents,
            original.total_vat_cents,
            original.total_ttc_cents,
            tuple(tuple(row) for row in original.vat_breakdown),
            original.vat_note,
        ),
        penalty_rate_bp=original.penalty_rate_bp,
        payment_days=0,
        refers_to=original.number,
        notes=[f"Avoir annulant la facture {original.number} : {one_line(reason)}"],
    )
    # The next `issue` of the month bills it again, under the next statement key.
    return _write(session, doc, original.client_id, original.month, None, original.id)


def invoices_of_month(session: Session, month: str) -> list[Invoice]:
    return list(
        session.scalars(select(Invoice).where(Invoice.month == month).order_by(Invoice.number))
    )

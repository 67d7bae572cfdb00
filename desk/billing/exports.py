"""Plain rows for the command line (`--json`) and CSV files for the accountant."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desk.base.spreadsheet import csv_text
from desk.billing.money import plain
from desk.billing.payouts import payouts
from desk.models import Client, Invoice, InvoiceTracking, Payment


def statement_rows(session: Session, month: str) -> list[dict[str, Any]]:
    """The month's invoices and credit notes, in number order (the `--json` contract)."""
    rows = session.execute(
        select(Invoice, InvoiceTracking, Client.slug)
        .join(InvoiceTracking, InvoiceTracking.invoice_id == Invoice.id)
        .join(Client, Client.id == Invoice.client_id)
        .where(Invoice.month == month)
        .order_by(Invoice.number)
        .options(selectinload(Invoice.lines))  # with the invoices, not one query each
    ).all()
    return [
        {
            "number": invoice.number,
            "kind": invoice.kind,
            "client": slug,
            "month": invoice.month,
            "issued_on": invoice.issued_on.isoformat(),
            "due_on": invoice.due_on.isoformat(),
            "total_ht_cents": invoice.total_ht_cents,
            "total_vat_cents": invoice.total_vat_cents,
            "total_ttc_cents": invoice.total_ttc_cents,
            "state": tracking.state,
            "paid_cents": tracking.paid_cents,
            "lines": [
                {
                    "label": line.label,
                    "quantity": line.quantity,
                    "unit_cents": line.unit_cents,
                    "total_cents": line.total_cents,
                    "vat_rate_bp": line.vat_rate_bp,
                }
                for line in invoice.lines
            ],
        }
        for invoice, tracking, slug in rows
    ]


def payout_rows(session: Session, month: str) -> list[dict[str, Any]]:
    return [
        {
            "secretary_id": p.secretary_id,
            "name": p.name,
            "month": month,
            "missions": p.missions,
            "minutes": p.minutes,
            "earned_cents": p.earned_cents,
            "per_client_cents": p.per_client,
        }
        for p in payouts(session, month)
    ]


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    return csv_text([header, *rows], delimiter=";")


def invoices_csv(session: Session, month: str) -> str:
    """Semicolon-separated, dot decimals: what French accounting software imports."""
    return _csv(
        ["numero", "type", "client", "date", "echeance", "ht", "tva", "ttc", "etat", "paye"],
        [
            [
                r["number"], r["kind"], r["client"], r["issued_on"], r["due_on"],
                plain(r["total_ht_cents"]), plain(r["total_vat_cents"]),
                plain(r["total_ttc_cents"]), r["state"], plain(r["paid_cents"]),
            ]
            for r in statement_rows(session, month)
        ],
    )  # fmt: skip


def payments_csv(session: Session, month: str) -> str:
    rows = session.execute(
        select(Payment, Invoice.number)
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .order_by(Payment.received_on, Payment.id)
    ).all()
    return _csv(
        ["date", "facture", "montant", "moyen", "reference"],
        [
            [p.received_on.isoformat(), number, plain(p.amount_cents), p.method, p.reference]
            for p, number in rows
            if p.received_on.isoformat()[:7] == month
        ],
    )


def payouts_csv(session: Session, month: str) -> str:
    return _csv(
        ["partenaire", "mois", "missions", "minutes", "montant"],
        [
            [r["name"], month, r["missions"], r["minutes"], plain(r["earned_cents"])]
            for r in payout_rows(session, month)
        ],
    )

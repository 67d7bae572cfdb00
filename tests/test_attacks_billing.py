"""Attacks on the money (issue 26): racing credit notes, payments and reminders on what a
credit note cancelled, deleting or rewinding by SQL, infinite amounts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from desk.base.db import Database
from desk.base.errors import DomainError
from desk.billing.amounts import cents as parse_cents
from desk.billing.collection import (
    balance_of,
    late_penalty,
    record_payment,
    send_due_reminders,
    send_invoice,
)
from desk.billing.invoices import credit_note, invoice_by_number, issue_statements
from desk.models import Invoice, InvoiceCounter, InvoiceLine, InvoiceTracking, Outbox
from desk.models.billing import InvoiceKind, InvoiceState
from tests.conftest import AuthActions, pin_clock
from tests.helpers.attacks import desk_cli, flashes, race, table_row
from tests.helpers.billing import NOW, october_of_calls
from tests.helpers.web import LOGINS, csrf_token


@pytest.fixture
def number(demo: str, db: Database) -> str:
    with db.session() as session:
        october_of_calls(session)
    with db.session() as session:
        [issued] = issue_statements(session, "2026-10", NOW)
    return issued.number


def _credit(db: Database, number: str) -> str:
    with db.session() as session:
        return credit_note(session, number, "calls counted twice", NOW).number


def test_five_racing_credit_notes_credit_an_invoice_once(number: str, db: Database) -> None:
    made, refused = race(5, lambda _i: _credit(db, number))
    assert made == ["F2026-0002"]
    assert [getattr(e, "code", repr(e)) for e in refused] == ["billing_already_credited"] * 4
    with db.session() as session:
        notes = session.scalar(select(func.count()).where(Invoice.kind == InvoiceKind.CREDIT_NOTE))
        client_id = invoice_by_number(session, number).client_id
        assert (notes, balance_of(session, client_id)) == (1, 0)
        tracking = session.get(InvoiceTracking, invoice_by_number(session, number).id)
        assert tracking is not None and tracking.state == InvoiceState.CREDITED
    # The month is billed again once, and only once.
    with db.session() as session:
        again = issue_statements(session, "2026-10", NOW)
    with db.session() as session:
        twice = issue_statements(session, "2026-10", NOW)
    assert [(r.number, r.new) for r in again] == [("F2026-0003", True)]
    assert [(r.number, r.new) for r in twice] == [("F2026-0003", False)]


def test_a_payment_and_a_credit_note_racing_leave_nothing_owed_twice(
    number: str, db: Database
) -> None:
    def run(index: int) -> str:
        if index == 0:
            return _credit(db, number)
        with db.session() as session:
            return record_payment(session, number, 11909, NOW.date(), NOW).state

    done, refused = race(2, run)
    with db.session() as session:
        client_id = invoice_by_number(session, number).client_id
        balance = balance_of(session, client_id)
    # Either order is fine: credited then the payment refused (nothing owed), or paid then
    # credited (the client is owed a refund of what it paid, shown as a negative balance).
    if refused:
        assert [getattr(e, "code", "") for e in refused] == ["billing_invoice_credited"]
        assert (done, balance) == (["F2026-0002"], 0)
    else:
        assert sorted(done) == ["F2026-0002", InvoiceState.PAID] and balance == -11909


def test_a_fully_credited_invoice_takes_no_payment_and_gets_no_reminder(
    number: str, db: Database, tmp_path: Path
) -> None:
    _credit(db, number)
    with db.session() as session, pytest.raises(DomainError) as refused:
        record_payment(session, number, 100, NOW.date(), NOW)
    assert refused.value.code == "billing_invoice_credited"
    code, out, unhandled = desk_cli(
        db, tmp_path, "invoice", "pay", number, "--amount", "106,80", "--date", "2026-11-20"
    )
    assert (code, unhandled) == (1, None)
    assert f"La facture {number} a été annulée par un avoir" in out
    with db.session() as session:
        due = invoice_by_number(session, number).due_on
        sent = send_due_reminders(session, due + timedelta(days=40), NOW)
        reminders = session.scalar(select(func.count()).where(Outbox.kind == "invoice-reminder"))
    assert (sent, reminders) == ([], 0)
    with db.session() as session, pytest.raises(DomainError) as refused:
        send_invoice(session, number, NOW)
    assert refused.value.code == "billing_invoice_credited"
    with db.session() as session:
        invoice = invoice_by_number(session, number)
        assert late_penalty(invoice, 0, due + timedelta(days=40), owed=False).total_cents == 0


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM invoices WHERE number = 'F2026-0001'",
        "DELETE FROM invoice_lines",
        "UPDATE invoice_counters SET last_number = 0",
        "UPDATE invoice_counters SET year = 2025",
        "DELETE FROM invoice_counters",
        "DELETE FROM invoice_tracking",
        "TRUNCATE invoices CASCADE",
        "TRUNCATE clients CASCADE",
    ],
)
def test_sql_can_neither_delete_an_issued_invoice_nor_rewind_its_numbering(
    number: str, db: Database, statement: str
) -> None:
    if statement.startswith("TRUNCATE") and db.dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (its DELETE is refused above)")
    with pytest.raises(DBAPIError, match="sealed"), db.engine.begin() as conn:
        conn.execute(text(statement))
    with db.session() as session:
        lines = session.scalar(select(func.count()).select_from(InvoiceLine))
        counter = session.get(InvoiceCounter, ("F", 2026))
        assert counter is not None
        assert (invoice_by_number(session, number).number, counter.last_number) == (number, 1)
        assert lines == 5
    # Issuing the month again finds the invoice; the next number follows on.
    with db.session() as session:
        assert [(r.number, r.new) for r in issue_statements(session, "2026-10", NOW)] == [
            (number, False)
        ]
    assert _credit(db, number) == "F2026-0002"


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("89,00", 8900), ("1 234,50", 123450), ("89.00", 8900), ("119.9", 11990), ("12 €", 1200)],
)
def test_amounts_are_read_the_french_way(typed: str, cents: int) -> None:
    assert parse_cents(typed, "amount") == cents


@pytest.mark.parametrize(
    "typed", ["inf", "Infinity", "-Infinity", "NaN", "1e9", "-5", "1.234", "", "12,5,0", "١٢"]
)
def test_amounts_that_are_not_euros_are_refused_with_words(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_cents(typed, "amount")
    assert refused.value.field == "amount"
    assert refused.value.code in ("amount_invalid", "amount_too_large", "required")


def test_an_infinite_payment_is_refused_with_words_on_the_page_and_the_command(
    number: str, db: Database, app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    pin_clock(app, NOW)
    AuthActions(client).login(LOGINS["admin"])
    client.get("/desk/billing/?month=2026-10")
    for amount in ("Infinity", "NaN", "1e400"):
        answer = client.post(
            f"/desk/billing/invoices/{number}/payments?month=2026-10",
            data={"amount": amount, "csrf_token": csrf_token(client)},
            follow_redirects=True,
        )
        assert answer.status_code == 200
        said = flashes(answer.text)
        assert len(said) == 1 and f"{amount} n'est pas un montant" in said[0]
    code, out, unhandled = desk_cli(db, tmp_path, "invoice", "pay", number, "--amount", "inf")
    assert (code, unhandled) != (0, None) and unhandled is None
    assert "inf n'est pas un montant" in out
    with db.session() as session:
        tracking = session.get(InvoiceTracking, invoice_by_number(session, number).id)
        assert tracking is not None and tracking.paid_cents == 0


def test_the_billing_page_offers_nothing_to_pay_on_a_credited_invoice(
    number: str, db: Database, app: Flask, client: FlaskClient
) -> None:
    _credit(db, number)
    pin_clock(app, NOW + timedelta(days=60))  # long past due
    AuthActions(client).login(LOGINS["admin"])
    page = client.get("/desk/billing/?month=2026-10").text
    text_, fields = table_row(page, "data-invoice", number)
    assert "Annulée par avoir" in text_ and "Pénalités" not in text_
    assert "amount" not in fields

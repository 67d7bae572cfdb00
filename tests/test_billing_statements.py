"""Monthly statements: lines checked by hand, idempotent issue, immutable invoices, credit notes."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.base.errors import DomainError
from desk.base.words import gettext_for, say
from desk.billing.invoices import credit_note, invoice_by_number, issue_statements
from desk.billing.payouts import margins, payouts
from desk.models.billing import Invoice, InvoiceKind
from tests.conftest import AuthActions, pin_clock
from tests.helpers.billing import NOW, october_of_calls
from tests.helpers.web import LOGINS


@pytest.fixture
def issued(demo: str, db: Database) -> str:
    with db.session() as session:
        october_of_calls(session)
    with db.session() as session:
        [result] = issue_statements(session, "2026-10", NOW)
        return result.number


def test_october_for_claire_and_ines_gives_the_statement_checked_by_hand(
    issued: str, db: Database
) -> None:
    with db.session() as session:
        invoice = invoice_by_number(session, issued)
        lines = [(li.label.split(" (")[0], li.quantity, li.unit_cents, li.total_cents)
                 for li in invoice.lines]  # fmt: skip
        totals = (invoice.total_ht_cents, invoice.total_vat_cents, invoice.total_ttc_cents)
    assert issued == "F2026-0001"
    # 25 calls: the first 20 are in the fee (Claire's 15, Inès's first 5); the 5 billed are
    # Inès's, 150 s = 3 started minutes each; one of them on Saturday the 31st (+25 %).
    assert lines == [
        ("Forfait mensuel", 1, 8900, 8900),
        ("Appels inclus au forfait", 20, 0, 0),
        ("Appels traités", 5, 120, 600),
        ("Minutes de communication", 15, 25, 375),
        ("Majoration hors horaires, samedi et jours fériés", 1, 49, 49),  # 25 % of 1.95
    ]
    assert totals == (9924, 1985, 11909)  # VAT 20 % of 99.24 = 19.848


def test_ines_payout_is_her_missions_times_her_agreement(issued: str, db: Database) -> None:
    with db.session() as session:
        [payout] = payouts(session, "2026-10")
        clients, partners = margins(session, "2026-10")
    # 60 % of each mission's value: 1.20 + 3 × 0.25 = 1.95 → 1.17 (×9), and the Saturday
    # one billed 1.95 + 0.49 = 2.44 → 1.46. Included calls are paid through the fee.
    assert (payout.name, payout.missions, payout.earned_cents) == ("Inès", 10, 9 * 117 + 146)
    assert [(m.revenue_cents, m.partner_cents, m.margin_cents) for m in clients] == [
        (9924, 1199, 8725)
    ]
    assert [(m.name, m.revenue_cents, m.partner_cents) for m in partners] == [("Inès", 1024, 1199)]


def test_issuing_again_issues_nothing_new(issued: str, db: Database) -> None:
    with db.session() as session:
        again = issue_statements(session, "2026-10", NOW)
    assert [(r.number, r.new) for r in again] == [(issued, False)]


def test_the_database_refuses_to_update_an_issued_invoice(issued: str, db: Database) -> None:
    for statement in (
        "UPDATE invoices SET total_ttc_cents = 1",
        "UPDATE invoice_lines SET unit_cents = 1",
    ):
        with pytest.raises(DBAPIError, match="immutable"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.session() as session:
        assert invoice_by_number(session, issued).total_ttc_cents == 11909


def test_a_credit_note_corrects_an_invoice_with_the_next_number(issued: str, db: Database) -> None:
    with db.session() as session:
        note = credit_note(session, issued, "calls counted twice", NOW)
        number, kind, ttc = note.number, note.kind, note.total_ttc_cents
    assert (number, kind, ttc) == ("F2026-0002", InvoiceKind.CREDIT_NOTE, 11909)
    with db.session() as session, pytest.raises(Exception, match="already"):
        credit_note(session, issued, "again", NOW)
    # The month can then be billed again, once, with the next number.
    with db.session() as session:
        again = issue_statements(session, "2026-10", NOW)
    with db.session() as session:
        twice = issue_statements(session, "2026-10", NOW)
    assert [(r.number, r.new) for r in again] == [("F2026-0003", True)]
    assert [(r.number, r.new) for r in twice] == [("F2026-0003", False)]


def test_a_month_not_started_is_refused(demo: str, session: Session) -> None:
    with pytest.raises(Exception, match="not started"):
        issue_statements(session, "2026-12", NOW)


def test_the_month_under_way_is_not_issued_and_its_page_says_when(
    demo: str, db: Database, app: Flask, client: FlaskClient
) -> None:
    with db.session() as session:
        october_of_calls(session)
    with db.session() as session, pytest.raises(DomainError) as refused:
        issue_statements(session, "2026-11", NOW)  # NOW is 25 November 2026
    assert refused.value.code == "billing_month_not_over"
    assert say(refused.value, gettext_for("fr")) == (
        "Le mois 2026-11 n'est pas terminé : ses factures s'émettent une fois le mois fini."
    )
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == 0
    pin_clock(app, NOW)
    AuthActions(client).login(LOGINS["admin"])
    under_way = client.get("/desk/billing/?month=2026-11").get_data(as_text=True)
    assert "pourront être émises une fois le mois terminé" in under_way
    assert "Émettre les factures de 2026-11" not in under_way
    october = client.get("/desk/billing/?month=2026-10").get_data(as_text=True)
    assert "Émettre les factures de 2026-10" in october


def test_the_billing_page_reads_a_months_invoices_in_a_fixed_number_of_statements(
    issued: str, db: Database, app: Flask, client: FlaskClient
) -> None:
    pin_clock(app, NOW)
    AuthActions(client).login(LOGINS["admin"])
    engine = app.extensions["desk.db"].engine
    seen: list[str] = []

    def count(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        seen.append(sql)

    def statements() -> int:
        seen.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert issued in client.get("/desk/billing/?month=2026-10").get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    one = statements()  # the invoice
    with db.session() as session:
        credit_note(session, issued, "calls counted twice", NOW)
    with db.session() as session:
        issue_statements(session, "2026-10", NOW)  # and its replacement
    assert statements() == one  # three rows now, with their lines

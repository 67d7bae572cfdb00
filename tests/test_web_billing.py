"""The money pages: statements for the admin, her own payout for a partner, the overdue badge."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.db import Database
from desk.billing.collection import send_due_reminders
from desk.billing.invoices import invoice_by_number, issue_statements
from desk.models import Client
from tests.conftest import AuthActions, pin_clock
from tests.helpers import html
from tests.helpers.billing import NOW, october_of_calls
from tests.helpers.web import csrf_token


def _issue(db: Database) -> str:
    with db.session() as session:
        october_of_calls(session)
    with db.session() as session:
        [issued] = issue_statements(session, "2026-10", NOW)
    return issued.number


def test_the_admin_sees_the_months_invoices_and_records_a_payment(
    demo: str, db: Database, app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    pin_clock(app, NOW)
    number = _issue(db)
    auth.login("admin@permanence.test")
    page = client.get("/desk/billing/?month=2026-10")
    assert page.status_code == 200 and number in page.text and "119,09" in page.text
    assert client.get(f"/desk/billing/invoices/{number}.pdf").data.startswith(b"%PDF")
    paid = client.post(
        f"/desk/billing/invoices/{number}/payments?month=2026-10",
        data={"amount": "119.09", "csrf_token": csrf_token(client)},
        follow_redirects=True,
    )
    assert (
        paid.status_code == 200 and "Paiement enregistré" in paid.text
    ) or "Payment" in paid.text
    with db.session() as session:
        from desk.models import InvoiceTracking

        invoice = invoice_by_number(session, number)
        assert session.get(InvoiceTracking, invoice.id).state == "paid"  # type: ignore[union-attr]


def test_a_partner_sees_only_her_own_payout_and_a_secretary_none_of_billing(
    demo: str, db: Database, app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    pin_clock(app, NOW)
    _issue(db)
    auth.login("ines@permanence.test")
    mine = client.get("/desk/payouts/?month=2026-10")
    assert mine.status_code == 200 and "11,99" in mine.text and "Inès" in mine.text
    assert client.get("/desk/billing/").status_code == 403
    auth.logout()
    auth.login("claire@permanence.test")
    hers = client.get("/desk/payouts/?month=2026-10")
    assert hers.status_code == 200 and "11,99" not in hers.text


def test_an_overdue_client_wears_the_badge_where_secretaries_see_it(
    demo: str, db: Database, app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    pin_clock(app, NOW)
    number = _issue(db)
    with db.session() as session:
        due = invoice_by_number(session, number).due_on
        send_due_reminders(session, due + timedelta(days=1), NOW)
        client_id = session.scalars(select(Client.id)).first()
    auth.login("admin@permanence.test")
    assert 'class="badge overdue"' in client.get(f"/desk/clients/{client_id}").text
    suspended = client.post(
        f"/desk/billing/clients/{client_id}/coverage",
        data={"action": "suspend", "reason": "F impayée", "confirm": "y",
              "csrf_token": csrf_token(client)},
        follow_redirects=True,
    )  # fmt: skip
    assert 'class="badge suspended"' in suspended.text
    with db.session() as session:
        assert session.get(Client, client_id).coverage_suspended  # type: ignore[union-attr]


def test_the_admin_rewords_a_reminder_and_a_bad_placeholder_is_refused(
    demo: str, db: Database, app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    pin_clock(app, NOW)
    number = _issue(db)
    auth.login("admin@permanence.test")
    assert "Rappel : facture {number}" in client.get("/desk/billing/wording").text
    bad = client.post(
        "/desk/billing/wording",
        data={"key": "reminder-7", "subject": "Facture {numero}", "body": "x",
              "csrf_token": csrf_token(client)},
    )  # fmt: skip
    assert bad.status_code == 422 and "{number}" in bad.text
    client.post(
        "/desk/billing/wording",
        data={"key": "reminder-7", "subject": "Petit rappel {number}", "body": "Total {total}",
              "csrf_token": csrf_token(client)},
    )  # fmt: skip
    with db.session() as session:
        due = invoice_by_number(session, number).due_on
        send_due_reminders(session, due + timedelta(days=7), NOW)
    with db.session() as session:
        from desk.models import Outbox

        mail = session.scalars(select(Outbox)).one()
        assert (mail.subject, mail.body) == (
            f"Petit rappel {number}",
            "Total 119,09 €",
        )


def test_the_admin_starts_coverage_without_a_quote_only_with_a_written_reason(
    demo: str, db: Database, app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    pin_clock(app, NOW)
    auth.login("admin@permanence.test")
    with db.session() as session:
        client_id = session.scalars(select(Client.id)).first()
    assert "Aucun devis accepté" in client.get("/desk/billing/").text
    url = f"/desk/billing/clients/{client_id}/start"
    refused = client.post(
        url, data={"action": "start", "reason": " ", "csrf_token": csrf_token(client)},
        follow_redirects=True,
    )  # fmt: skip
    assert "sans devis accepté" in refused.text
    reason = {"action": "start", "reason": "client historique"}
    done = client.post(
        url, data={**reason, "csrf_token": csrf_token(client)}, follow_redirects=True
    )
    # Decided, it leaves the clients waiting for a decision; found by name, it says why.
    assert "Démarrée sans devis (administrateur)" not in done.text
    with db.session() as session:
        name = session.scalar(select(Client.name).where(Client.id == client_id))
    found = client.get("/desk/billing/", query_string={"client_q": name}).text
    assert "Démarrée sans devis (administrateur)" in found


def test_a_new_client_without_a_quote_is_not_listed_as_a_bad_payer(
    demo: str, db: Database, app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    pin_clock(app, NOW)
    number = _issue(db)
    with db.session() as session:
        session.add(Client(slug="kine-lumiere", name="Kiné Lumière"))
        due = invoice_by_number(session, number).due_on
        send_due_reminders(session, due + timedelta(days=1), NOW)
    auth.login("admin@permanence.test")
    page = html.page(client.get("/desk/billing/"))
    bad = html.texts(page, '//section[@id="coverage-bad-payers"]//tr/td[1]')
    assert bad == ["Cabinet dentaire du Parc Impayé"]
    waiting = html.texts(page, '//section[@id="coverage-others"]//tr/td[1]')
    assert waiting == ["Kiné Lumière"]
    headings = html.texts(page, '//section[@id="coverage-others"]/h3')
    assert headings == ["Clients sans devis accepté"]

"""Saying why: issuing that makes no invoice names the clients without a contract; the
payouts page says when partners' calls are not counted yet (and counts them on demand),
names partners without an agreement and clients without a contract. Payments accept
"178,80" (web and command line)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.db import Database
from desk.billing.invoices import issue_statements
from desk.clients.lifecycle import NewClient, create_client
from desk.models import InvoiceTracking, Secretary
from desk.people.secretaries import SecretaryInput, add_secretary
from tests.conftest import AuthActions, pin_clock
from tests.helpers.billing import NOW, PARIS, answered, october_of_calls
from tests.helpers.money import Page, desk
from tests.helpers.web import post


def _nora_takes_calls(db: Database) -> None:
    """A new partner, Nora (no agreement), answers for the demo client and for a new client
    that has no contract, in October 2026."""
    with db.session() as session:
        client = october_of_calls(session)
        nora = add_secretary(
            session,
            SecretaryInput(
                name="Nora", phone="+33612000099", email="nora@permanence-lyon.fr", is_partner=True
            ),
        )
        kine = create_client(session, NewClient(name="Kiné Lumière", slug="kine-lumiere"))
        answered(session, client, nora, datetime(2026, 10, 6, 12, 40, tzinfo=PARIS), 70)
        answered(session, kine, nora, datetime(2026, 10, 7, 12, 40, tzinfo=PARIS), 70)


def test_payouts_show_the_month_as_it_stands_and_say_why(
    demo: str, db: Database, app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    pin_clock(app, NOW)
    _nora_takes_calls(db)
    auth.login("admin@permanence.test")
    page = Page(client.get("/desk/payouts/?month=2026-10").text)
    with db.session() as session:
        ids = dict(session.execute(select(Secretary.name, Secretary.id)).all())
    # Before any invoice, the page says her calls are not counted yet, and counts them.
    assert page.rows == {} and "pas encore comptés" in page.text("payouts-why")
    counted = post(client, "/desk/payouts/recount", {"month": "2026-10"})
    assert counted.status_code == 302
    page = Page(client.get(counted.headers["Location"]).text)
    assert "pas encore comptés" not in page.text("payouts-why")
    assert page.row(str(ids["Inès"])).startswith("Inès 10 30 11,99 €")
    assert page.row(str(ids["Nora"])).startswith("Nora 1 2 0,00 €")
    why = page.text("payouts-why")
    assert "Aucun protocole d'accord pour Nora" in why
    assert "Aucun contrat pour Kiné Lumière" in why
    # Inès sees only hers, without the admin's reasons.
    auth.logout()
    auth.login("ines@permanence.test")
    mine = Page(client.get("/desk/payouts/?month=2026-10").text)
    assert list(mine.rows) == [str(ids["Inès"])] and mine.text("payouts-why") == ""


def test_issuing_nothing_says_why(
    demo: str, db: Database, app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    pin_clock(app, NOW)
    _nora_takes_calls(db)
    auth.login("admin@permanence.test")
    client.get("/desk/billing/?month=2026-10")
    first = post(client, "/desk/billing/issue", {"month": "2026-10"})
    said = Page(client.get(first.headers["Location"]).text).flashed()
    assert any("Aucun contrat pour Kiné Lumière" in s for s in said), said
    assert any("1 facture(s)" in s for s in said), said
    again = post(client, "/desk/billing/issue", {"month": "2026-10"})
    said = Page(client.get(again.headers["Location"]).text).flashed()
    assert any("Déjà émise pour Cabinet dentaire du Parc" in s for s in said), said
    assert any("0 facture(s)" in s for s in said), said


def test_a_payment_of_178_80_is_accepted(
    demo: str, db: Database, app: Flask, client: FlaskClient, auth: AuthActions, tmp_path: Path
) -> None:
    pin_clock(app, NOW)
    with db.session() as session:
        october_of_calls(session)
    with db.session() as session:
        [issued] = issue_statements(session, "2026-10", NOW)
    auth.login("admin@permanence.test")
    client.get("/desk/billing/?month=2026-10")
    bad = post(client, f"/desk/billing/invoices/{issued.number}/payments?month=2026-10",
               {"amount": "inf"})  # fmt: skip
    said = Page(client.get(bad.headers["Location"]).text).flashed()
    assert any("inf n'est pas un montant" in s for s in said), said
    ok = post(client, f"/desk/billing/invoices/{issued.number}/payments?month=2026-10",
              {"amount": "100,00"})  # fmt: skip
    assert ok.status_code == 302
    code, out = desk(db, tmp_path, "invoice", "pay", issued.number, "--amount", "nan")
    assert code == 2 and "--amount" in out and "nan n'est pas un montant" in out
    code, out = desk(db, tmp_path, "invoice", "pay", issued.number, "--amount", "19,09")
    assert code == 0, out
    with db.session() as session:
        tracking = session.get(InvoiceTracking, session.scalar(
            select(InvoiceTracking.invoice_id).limit(1)))  # fmt: skip
        assert tracking is not None and tracking.paid_cents == 11909

"""The money set-up on the web desk: price plans, contracts and partners' agreements with
words next to the field at fault, and a quote for an existing client whose acceptance sets
THAT client's contract (never a second client, even when two acceptances race)."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from desk.base.db import Database
from desk.base.errors import DomainError
from desk.billing.quotes import Needs, accept_quote, create_quote
from desk.billing.terms import (
    AgreementInput,
    PlanInput,
    add_plan,
    secretary_by_email,
    set_partner_agreement,
)
from desk.clients.lifecycle import NewClient, create_client
from desk.models import (
    BuyerIdentity,
    Client,
    Contract,
    CoverageWindow,
    PartnerAgreement,
    PricePlan,
    Quote,
)
from desk.models.billing import PartnerMode
from tests.conftest import AuthActions, pin_clock
from tests.helpers.billing import NOW
from tests.helpers.money import Page
from tests.helpers.web import LOGINS, post

PLAN = {
    "plan-name": "Midi",
    "plan-monthly_fee": "178,80",
    "plan-included_calls": "30",
    "plan-per_call": "1 234,50",
    "plan-per_minute": "0.25",
    "plan-out_of_hours_percent": "25",
    "plan-vat_rate": "20",
}


@pytest.fixture
def admin(client: FlaskClient, demo: str, app: Flask) -> FlaskClient:
    pin_clock(app, NOW)
    AuthActions(client).login(LOGINS["admin"])
    return client


def test_a_plan_is_added_with_french_amounts(admin: FlaskClient, db: Database) -> None:
    response = post(admin, "/desk/prices/plans", PLAN)
    assert response.status_code == 302, response.text[-2000:]
    page = Page(admin.get("/desk/prices/").text)
    assert "178,80 €" in page.row("Midi") and "1 234,50 €" in page.row("Midi")
    with db.session() as session:
        plan = session.scalar(select(PricePlan).where(PricePlan.name == "Midi"))
        assert plan is not None
        got = (plan.monthly_fee_cents, plan.per_call_cents, plan.per_block_cents)
        assert got == (17880, 123450, 25)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("monthly_fee", "inf", "n'est pas un montant"),
        ("monthly_fee", "NaN", "n'est pas un montant"),
        ("per_call", "1e3", "n'est pas un montant"),
        ("per_call", "2000000", "trop élevé"),
        ("included_calls", "-1", "nombre entier"),
        ("vat_rate", "45", "pourcentage"),
        ("name", "", "doit avoir un nom"),
    ],
)
def test_a_bad_plan_is_explained_next_to_its_field(
    admin: FlaskClient, db: Database, field: str, value: str, words: str
) -> None:
    response = post(admin, "/desk/prices/plans", {**PLAN, f"plan-{field}": value})
    assert response.status_code == 400
    said = Page(response.text).error(f"plan-{field}")
    assert words in said.replace("’", "'"), said
    with db.session() as session:
        assert session.scalar(select(PricePlan.id).where(PricePlan.name == "Midi")) is None


def test_contract_and_agreement_from_the_prices_and_partner_pages(
    admin: FlaskClient, db: Database, demo: str
) -> None:
    assert post(admin, "/desk/prices/plans", PLAN).status_code == 302
    bad = post(
        admin,
        "/desk/prices/contracts",
        {"contract-client": "cabinet-du-parc", "contract-plan": "Midi",
         "contract-valid_from": "16/11/2026"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "AAAA-MM-JJ" in Page(bad.text).error("contract-valid_from")
    ok = post(
        admin,
        "/desk/prices/contracts",
        {"contract-client": "cabinet-du-parc", "contract-plan": "Midi",
         "contract-valid_from": "2026-11-16"},
    )  # fmt: skip
    assert ok.status_code == 302
    assert "Midi à partir du 16/11/2026" in Page(admin.get("/desk/prices/").text).row(
        "cabinet-du-parc"
    )
    with db.session() as session:
        ines = session.scalar(select(PartnerAgreement.secretary_id).limit(1))
        person = f"/desk/people/{ines}"
    page = admin.get(person)
    assert page.status_code == 200 and "Rémunération" in page.text
    bad = post(
        admin,
        f"/desk/prices/agreements?back={person}",
        {"agreement-secretary": "ines@permanence.test", "agreement-percent": "60",
         "agreement-per_mission": "1,50", "agreement-valid_from": "2026-12-01"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "l'un ou l'autre" in Page(bad.text).error("agreement-percent")
    ok = post(
        admin,
        f"/desk/prices/agreements?back={person}",
        {"agreement-secretary": "ines@permanence.test", "agreement-per_mission": "1,50",
         "agreement-client": "cabinet-du-parc", "agreement-valid_from": "2026-12-01"},
    )  # fmt: skip
    assert ok.status_code == 302 and ok.headers["Location"].endswith(person)
    assert "1,50 € par mission, pour Cabinet dentaire du Parc" in admin.get(person).text
    with db.session() as session:
        row = session.scalar(
            select(PartnerAgreement).where(PartnerAgreement.valid_from == date(2026, 12, 1))
        )
        assert row is not None and (row.mode, row.fixed_cents) == (PartnerMode.PER_CALL, 150)


def _existing_client(db: Database) -> int:
    with db.session() as session:
        client = create_client(session, NewClient(name="Kiné Lumière", slug="kine-lumiere"))
        session.add(
            CoverageWindow(
                client_id=client.id, weekdays="01234",
                start_local=time(12), end_local=time(14),
            )
        )  # fmt: skip
        return client.id


def test_a_quote_for_an_existing_client_sets_its_contract(
    admin: FlaskClient, db: Database, app: Flask
) -> None:
    client_id = _existing_client(db)
    page = admin.get(f"/desk/clients/{client_id}")
    assert f"/desk/clients/{client_id}/quote" in page.text
    assert "Aucun contrat en vigueur" in Page(page.text).text("contract")
    form = admin.get(f"/desk/clients/{client_id}/quote").text
    assert "lun-ven 12:00-14:00" in form
    bad = post(
        admin,
        f"/desk/clients/{client_id}/quote",
        {"quote-plan": "Permanence essentielle", "quote-email": "accueil@kine.test",
         "quote-calls_per_week": "beaucoup"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "beaucoup" in Page(bad.text).error("quote-calls_per_week")
    sent = post(
        admin,
        f"/desk/clients/{client_id}/quote",
        {"quote-plan": "Permanence essentielle", "quote-email": "accueil@kine.test",
         "quote-calls_per_week": "40", "quote-windows": "lun-ven 12:00-14:00"},
    )  # fmt: skip
    assert sent.status_code == 200, sent.text[-2000:]
    link = Page(sent.text).text("acceptance-link")
    token = link.rsplit("/", 1)[-1]
    with db.session() as session:
        sha = session.scalars(select(Quote.pdf_sha256)).one()
        before = session.scalar(select(func.count()).select_from(Client))
    public = app.test_client()
    done = public.post(
        f"/quote/{token}",
        data={"name": "Anne Lumière", "consent": "bon pour accord", "sha256": sha},
    )
    assert done.status_code == 200, done.text[-2000:]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Client)) == before
        client = session.get(Client, client_id)
        assert client is not None and not client.coverage_suspended
        [contract] = session.scalars(select(Contract).where(Contract.client_id == client_id))
        assert contract.monthly_fee_cents == 8900 and contract.quote_id is not None
        buyer = session.get(BuyerIdentity, client_id)
        assert buyer is not None and buyer.billing_email == "accueil@kine.test"
    shown = Page(admin.get(f"/desk/clients/{client_id}").text)
    assert "Permanence essentielle" in shown.text("contract")
    assert shown.text("coverage-not-started") == ""


@pytest.mark.parametrize("for_existing", [True, False])
def test_two_racing_acceptances_make_one_client_and_one_contract(
    db: Database, demo: str, for_existing: bool
) -> None:
    client_id = _existing_client(db) if for_existing else None
    with db.session() as session:
        quote, token = create_quote(
            session, prospect_name="" if for_existing else "Ostéo Soleil",
            prospect_email="contact@soleil.test", plan_name="Permanence essentielle",
            needs=Needs([], 10, []), now=NOW, base_url="https://desk.example.test",
            client_id=client_id,
        )  # fmt: skip
        sha = quote.pdf_sha256
        before = session.scalar(select(func.count()).select_from(Client)) or 0
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def accept() -> None:
        barrier.wait()
        try:
            with db.session() as session:
                accept_quote(
                    session, token, typed_name="Anne", consent=True, shown_sha256=sha,
                    ip="203.0.113.7", now=NOW,
                )  # fmt: skip
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=accept) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["billing_quote_link_invalid"] * 3 + ["won"]
    with db.session() as session:
        clients = session.scalar(select(func.count()).select_from(Client))
        assert clients == before + (0 if for_existing else 1)
        made = session.scalars(select(Quote.client_id)).all()
        contracts = session.scalars(select(Contract).where(Contract.client_id.in_(made))).all()
        assert len(contracts) == 1


def test_an_admin_adding_a_plan_another_is_adding_gets_words_not_an_error(
    db: Database, demo: str
) -> None:
    """The second admin's check runs while the first one's plan is written but not
    committed: she waits (SQLite's write lock, PostgreSQL's unique index), then is told."""
    outcomes: list[str] = []
    started = threading.Event()

    def second() -> None:
        started.set()
        try:
            with db.session() as session:
                add_plan(session, PlanInput("Soirée", "99,00", "10", "1,20"))
            outcomes.append("added")
        except DomainError as exc:
            outcomes.append(exc.code)

    with db.session() as first:
        add_plan(first, PlanInput("Soirée", "89,00", "10", "1,20"))
        thread = threading.Thread(target=second)
        thread.start()
        started.wait()
        thread.join(timeout=0.5)  # she is waiting for the first to commit
        assert thread.is_alive()
    thread.join()
    assert outcomes == ["billing_plan_exists"]
    with db.session() as session:
        fees = session.scalars(
            select(PricePlan.monthly_fee_cents).where(PricePlan.name == "Soirée")
        )
        assert list(fees) == [8900]


def test_two_admins_setting_her_agreement_for_the_same_day_make_one(
    db: Database, demo: str
) -> None:
    done = threading.Event()

    def second() -> None:
        with db.session() as session:
            ines = secretary_by_email(session, "ines@permanence.test")
            set_partner_agreement(session, ines, AgreementInput(percent="50"), date(2027, 1, 1))
        done.set()

    with db.session() as first:
        ines = secretary_by_email(first, "ines@permanence.test")
        set_partner_agreement(first, ines, AgreementInput(percent="40"), date(2027, 1, 1))
        thread = threading.Thread(target=second)
        thread.start()
        assert not done.wait(0.5)  # she waits for the first admin's commit
    thread.join()
    with db.session() as session:
        rows = session.scalars(
            select(PartnerAgreement.percent).where(PartnerAgreement.valid_from == date(2027, 1, 1))
        )
        assert list(rows) == [50]  # the second replaced the first's, as typed again

"""Quotes: priced by a plan, e-mailed with a one-use expiring link that keeps its evidence."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from desk.base.db import Database
from desk.base.errors import DomainError
from desk.billing.quotes import Needs, create_quote, start_coverage
from desk.models import Client, Contract, Outbox, Quote
from tests.conftest import PUBLIC_BASE_URL, demo_id, pin_clock
from tests.helpers.billing import NOW

NEEDS = Needs(["lun-ven 12:00-14:00", "samedi 08:00-12:00"], 40, ["prise de rendez-vous"])


@pytest.fixture
def token(demo: str, db: Database, app: Flask) -> str:
    pin_clock(app, NOW)
    with db.session() as session:
        _, made = create_quote(
            session,
            prospect_name="Kiné Lumière",
            prospect_email="contact@kine-lumiere.test",
            plan_name="Permanence essentielle",
            needs=NEEDS,
            now=NOW,
            base_url=PUBLIC_BASE_URL,
            siren="530123454",
            address="5 rue Lumière\n69008 Lyon",
        )
    return made


def _accept(client: FlaskClient, token: str, sha: str, name: str = "Anne Lumière") -> object:
    return client.post(
        f"/quote/{token}",
        data={"name": name, "consent": "bon pour accord", "sha256": sha},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )


def _sha(db: Database) -> str:
    with db.session() as session:
        return session.scalars(select(Quote.pdf_sha256)).one()


def test_the_quote_is_numbered_priced_and_emailed_with_its_pdf_and_link(
    token: str, db: Database
) -> None:
    with db.session() as session:
        quote = session.scalars(select(Quote)).one()
        mail = session.scalars(select(Outbox)).one()
        assert quote.number == "D2026-0001"
        # 40 calls a week = 173 a month: 8900 + 153 × 120 + 153 × 2 × 25, plus 20 % VAT.
        assert quote.monthly_estimate_cents == round((8900 + 153 * 120 + 306 * 25) * 1.2)
        assert f"{PUBLIC_BASE_URL}/quote/{token}" in mail.body
        assert [a.filename for a in mail.attachments] == ["D2026-0001.pdf"]
        assert quote.token_hash != token and len(token) >= 43


def test_accepting_keeps_the_evidence_and_creates_the_client_and_contract(
    token: str, db: Database, client: FlaskClient
) -> None:
    page = client.get(f"/quote/{token}")
    assert page.status_code == 200 and "Bon pour accord" in page.text
    assert client.get(f"/quote/{token}/devis.pdf").data.startswith(b"%PDF")
    done = _accept(client, token, _sha(db))
    assert done.status_code == 200, done.text
    with db.session() as session:
        quote = session.scalars(select(Quote)).one()
        assert (quote.state, quote.accepted_name, quote.accepted_ip) == (
            "accepted", "Anne Lumière", "203.0.113.7"
        )  # fmt: skip
        assert quote.accepted_at == NOW
        assert quote.accepted_sha256 == hashlib.sha256(quote.pdf).hexdigest()
        new = session.get(Client, quote.client_id)
        assert new is not None and new.slug == "kine-lumiere"
        contract = session.scalars(select(Contract).where(Contract.client_id == new.id)).one()
        assert (contract.quote_id, contract.monthly_fee_cents) == (quote.id, 8900)
    # One use: the link is dead now.
    assert client.get(f"/quote/{token}").status_code == 404
    assert _accept(client, token, _sha(db)).status_code == 404


def test_an_expired_link_is_refused(
    token: str, db: Database, app: Flask, client: FlaskClient
) -> None:
    pin_clock(app, NOW + timedelta(days=32))
    assert client.get(f"/quote/{token}").status_code == 404
    assert _accept(client, token, _sha(db)).status_code == 404


def test_a_tampered_quote_is_refused(token: str, db: Database, client: FlaskClient) -> None:
    sha = _sha(db)
    assert _accept(client, token, "0" * 64).status_code == 422  # another document shown
    with db.session() as session:
        session.execute(update(Quote).values(pdf=b"%PDF-1.7 forged"))
    refused = _accept(client, token, sha)
    assert refused.status_code == 422 and "modifié" in refused.text
    with db.session() as session:
        assert session.scalars(select(Quote.state)).one() == "sent"


def test_a_missing_name_or_consent_is_a_clear_error(
    token: str, db: Database, client: FlaskClient
) -> None:
    answer = client.post(f"/quote/{token}", data={"name": " ", "sha256": _sha(db)})
    assert answer.status_code == 422 and "nom" in answer.text


def test_coverage_starts_only_with_an_accepted_quote_or_a_written_reason(
    demo: str, db: Database
) -> None:
    with db.session() as session:
        client_id = demo_id(session)
        with pytest.raises(DomainError) as refused:
            start_coverage(session, client_id, None)
        assert refused.value.code == "billing_no_accepted_quote"
        decision = start_coverage(session, client_id, None, "client historique, devis papier")
        assert decision.action == "override"

"""A client created outside a quote (desk form, `desk client add`, `desk import clients.csv`)
has its coverage not started: its callers get the after-hours path, even inside its
coverage windows, unless the admin started it without a quote and wrote why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from desk.base.db import Database
from desk.base.errors import DomainError
from desk.billing.collection import decide_coverage
from desk.billing.quotes import start_coverage
from desk.models import Client, CoverageDecision, DeskNumber, Shift, Training, User
from tests.conftest import AuthActions, pin_clock
from tests.helpers.routing import DESK_NUMBER, paris, tags, twiml
from tests.helpers.twilio import fixture, signed_post
from tests.helpers.web import LOGINS, post

LUNCH = paris(2027, 3, 30, 12, 41)  # a Tuesday, inside the demo's lunch window


def _new(client: FlaskClient, own: int, **data: Any) -> Any:
    client.get("/desk/clients/new")
    form = {"timezone": "Europe/Paris", "holiday_policy": "closed", "copy_from": str(own)}
    return post(client, "/desk/clients/new", {**form, **data})


def _take_over_the_desk(db: Database, own: int, slug: str) -> int:
    """Give the new client (a copy of the demo's rules) the demo's number, people and rota."""
    with db.session() as s:
        new = s.scalar(select(Client).where(Client.slug == slug))
        assert new is not None
        s.execute(
            update(DeskNumber).where(DeskNumber.number == DESK_NUMBER).values(client_id=new.id)
        )
        for t in s.scalars(select(Training).where(Training.client_id == own)).all():
            s.add(
                Training(
                    secretary_id=t.secretary_id, client_id=new.id, overflow_rank=t.overflow_rank
                )
            )
        s.execute(update(Shift).where(Shift.client_id == own).values(client_id=new.id))
        s.commit()
        return new.id


def _call(client: FlaskClient, sid: str = "CA5f1d2c3b4a59687766554433221100ff") -> list[str]:
    form = fixture("voice-incoming-forwarded", CallSid=sid)
    root = twiml(signed_post(client, "/webhooks/voice/incoming", form))
    return tags(root)


@pytest.fixture
def admin(app: Flask, client: FlaskClient, auth: AuthActions, demo: str) -> FlaskClient:
    pin_clock(app, LUNCH)
    auth.login(LOGINS["admin"])
    return client


def test_a_client_created_without_a_quote_gets_after_hours_and_says_why(
    admin: FlaskClient, db: Database, own: int
) -> None:
    assert _new(admin, own, name="Cabinet Neuf").status_code == 302
    new_id = _take_over_the_desk(db, own, "cabinet-neuf")
    assert "Dial" not in _call(admin)  # inside the copied windows, yet after hours
    with db.session() as s:
        row = s.get(Client, new_id)
        assert row is not None and row.coverage_suspended
        assert s.scalars(select(CoverageDecision)).all() == []
    page = admin.get(f"/desk/clients/{new_id}").get_data(as_text=True)
    assert 'id="coverage-not-started"' in page and "/desk/billing/" in page
    with db.session() as s:  # "resume" on the billing page would start it without a reason
        with pytest.raises(DomainError) as refused:
            decide_coverage(s, new_id, "resume", "", None, confirmed=True)
        assert refused.value.code == "billing_no_accepted_quote"
        start_coverage(s, new_id, None, "Contrat papier reçu")  # the billing page's override
        s.commit()
    assert "Dial" in _call(admin, "CA5f1d2c3b4a59687766554433221100aa")


def test_started_without_a_quote_with_a_reason_the_call_rings_and_the_reason_is_kept(
    admin: FlaskClient, db: Database, own: int
) -> None:
    data = {"start_without_quote": "y", "start_reason": " Contrat papier signé "}
    assert _new(admin, own, name="Cabinet Neuf", **data).status_code == 302
    new_id = _take_over_the_desk(db, own, "cabinet-neuf")
    assert "Dial" in _call(admin)
    with db.session() as s:
        (decision,) = s.scalars(select(CoverageDecision)).all()
        admin_id = s.scalar(select(User.id).where(User.email == LOGINS["admin"]))
        assert (decision.client_id, decision.action) == (new_id, "override")
        assert (decision.reason, decision.by_user_id) == ("Contrat papier signé", admin_id)
    page = admin.get(f"/desk/clients/{new_id}").get_data(as_text=True)
    assert 'id="coverage-not-started"' not in page


def test_starting_without_a_quote_needs_a_written_reason(
    admin: FlaskClient, db: Database, own: int
) -> None:
    response = _new(admin, own, name="Cabinet Neuf", start_without_quote="y", start_reason=" ")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="start_reason-error"' in page
    assert "Écrivez pourquoi la couverture de ce client commence sans devis accepté" in page
    with db.session() as s:
        assert s.scalar(select(Client.id).where(Client.slug == "cabinet-neuf")) is None


def _desk(db: Database, tmp_path: Path, *args: str) -> Result:
    from desk.cli import main

    env = {"DESK_CONFIG": str(tmp_path / "none.toml"), "DESK_DATABASE_URL": db.url}
    return CliRunner().invoke(main, list(args), env=env)


def test_the_cli_starts_coverage_only_with_a_written_reason(db: Database, tmp_path: Path) -> None:
    assert _desk(db, tmp_path, "client", "add", "--name", "Sans Devis").exit_code == 0
    refused = _desk(db, tmp_path, "client", "add", "--name", "Vide", "--start-without-quote", " ")
    assert refused.exit_code != 0 and "sans devis accepté" in refused.output
    started = _desk(
        db, tmp_path, "client", "add", "--name", "Avec Raison", "--start-without-quote", "Papier"
    )
    assert started.exit_code == 0, started.output
    path = tmp_path / "clients.csv"
    path.write_text("name\nImport Sans\n", encoding="utf-8")
    assert _desk(db, tmp_path, "import", str(path), "--apply").exit_code == 0
    path.write_text("name\nImport Avec\n", encoding="utf-8")
    done = _desk(db, tmp_path, "import", str(path), "--apply", "--start-without-quote", "Migré")
    assert done.exit_code == 0, done.output
    with db.session() as s:
        suspended = dict(s.execute(select(Client.slug, Client.coverage_suspended)).all())
        reasons = {d.client_id: d.reason for d in s.scalars(select(CoverageDecision))}
        slugs = dict(s.execute(select(Client.id, Client.slug)).all())
    assert suspended == {
        "sans-devis": True,
        "avec-raison": False,
        "import-sans": True,
        "import-avec": False,
    }
    assert {slugs[k]: v for k, v in reasons.items()} == {
        "avec-raison": "Papier",
        "import-avec": "Migré",
    }

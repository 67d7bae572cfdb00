"""First run on an empty desk: the set-up page, `desk admin create`, no demo involved."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import func, select

from desk.base.db import Database
from desk.cli import main
from desk.models import AuditEvent, DeskIdentity, User
from tests.helpers.web import post

GOOD = {
    "desk_name": "Permanence Lyon",
    "legal_name": "Marie Durand EI",
    "siret": "732 829 320 00074",
    "address": "3 rue de la République, 69001 Lyon",
    "vat_status": "franchise",
    "vat_number": "",
    "timezone": "Europe/Paris",
    "admin_name": "Marie Durand",
    "admin_email": "marie@permanence-lyon.fr",
    "password": "un-mot-de-passe",
    "confirm": "un-mot-de-passe",
}


def test_an_empty_desk_leads_every_page_to_the_set_up_page(client: FlaskClient) -> None:
    for path in ("/desk/", "/desk/login", "/desk/clients/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/desk/setup")
    page = client.get("/desk/setup").get_data(as_text=True)
    assert "SIRET" in page


def test_the_set_up_page_writes_the_identity_and_logs_the_admin_in(
    client: FlaskClient, db: Database
) -> None:
    client.get("/desk/setup")
    response = post(client, "/desk/setup", GOOD)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/desk/clients/").status_code == 200
    with db.session() as s:
        identity = DeskIdentity.get(s)
        assert identity is not None
        assert (identity.siret, identity.vat_status) == ("73282932000074", "franchise")
        admin = s.scalar(select(User))
        assert admin is not None and admin.role == "admin"
        actions = set(s.scalars(select(AuditEvent.action)))
        assert {"desk_identity.create", "user.create"} <= actions
    # Once set up, the page is gone: back to the login.
    assert client.get("/desk/setup").headers["Location"].endswith("/desk/login")


def test_bad_set_up_input_is_explained_next_to_each_field_and_saves_nothing(
    client: FlaskClient, db: Database
) -> None:
    client.get("/desk/setup")
    cases = {
        "siret": ("732 829 320 00075", "Luhn"),
        "admin_email": ("pas-un-email", "adresse e-mail"),
        "timezone": ("Europe/Lyon", "Fuseau horaire inconnu"),
        "password": ("court", "10 caractères"),
        "confirm": ("autre-chose-encore", "diffèrent"),
        "vat_status": ("subject", "obligatoire"),
        "vat_number": ("FR00732829320", "numéro de TVA"),
        "desk_name": ("", "requis"),
    }
    for name, (value, words) in cases.items():
        response = post(client, "/desk/setup", {**GOOD, name: value})
        assert response.status_code == 400, name
        page = response.get_data(as_text=True)
        field = "vat_number" if name == "vat_status" else name
        assert f'id="{field}-error"' in page, name
        assert words in page.replace("&#39;", "'"), (name, page[-3000:])
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 0
        assert DeskIdentity.get(s) is None


def test_desk_admin_create_opens_an_empty_desk_from_the_command_line(
    tmp_path: Path, db: Database
) -> None:
    env = {"DESK_CONFIG": str(tmp_path / "none.toml"), "DESK_DATABASE_URL": db.url}
    runner = CliRunner()
    bad = runner.invoke(
        main, ["admin", "create", "--email", "pas-un-email", "--password", "x" * 12], env=env
    )
    assert bad.exit_code != 0 and "pas-un-email" in bad.output
    ok = runner.invoke(
        main, ["admin", "create", "--email", "Chef@Desk.fr", "--password", "x" * 12], env=env
    )
    assert ok.exit_code == 0, ok.output
    with db.session() as s:
        user = s.scalar(select(User))
        assert user is not None and (user.email, user.role) == ("chef@desk.fr", "admin")


def test_make_run_skips_the_demo_when_desk_demo_is_0() -> None:
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert 'if [ "$(DESK_DEMO)" != "0" ]; then $(BIN)/desk demo; fi' in makefile


def test_the_admin_edits_the_desks_identity_later(
    client: FlaskClient, db: Database, demo: str
) -> None:
    from tests.conftest import AuthActions
    from tests.helpers.web import LOGINS

    AuthActions(client).login(LOGINS["admin"])
    page = client.get("/desk/settings/identity")
    assert page.status_code == 200 and "73282932000074" in page.get_data(as_text=True)
    fields = {k: GOOD[k] for k in ("desk_name", "legal_name", "address", "timezone")}
    bad = post(
        client,
        "/desk/settings/identity",
        {**fields, "siret": "123", "vat_status": "franchise"},
    )
    assert bad.status_code == 400 and 'id="siret-error"' in bad.get_data(as_text=True)
    ok = post(
        client,
        "/desk/settings/identity",
        {**fields, "siret": GOOD["siret"], "vat_status": "subject", "vat_number": "FR40303265045"},
    )
    assert ok.status_code == 302
    with db.session() as s:
        identity = DeskIdentity.get(s)
        assert identity is not None
        assert (identity.desk_name, identity.vat_number) == ("Permanence Lyon", "FR40303265045")
    AuthActions(client).logout()
    AuthActions(client).login(LOGINS["secretary"])
    assert client.get("/desk/settings/identity").status_code == 403

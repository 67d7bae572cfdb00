"""Domain errors reach each user in her language: English for an English reader, French
for a French one (and by default), on the web desk and in the API's problem details."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from desk.base.db import Database
from desk.models import User
from tests.conftest import AuthActions
from tests.helpers.api import MONDAY_9, new_appointment, setup_api
from tests.helpers.web import LOGINS, post

NO_DAY = {"coverage-start": "08:00", "coverage-end": "09:00"}


def _admin_speaks(db: Database, locale: str | None) -> None:
    with db.session() as s:
        s.execute(update(User).where(User.email == LOGINS["admin"]).values(locale=locale))


def test_an_english_admin_reads_the_desks_errors_in_english(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    _admin_speaks(db, "en")
    auth.login(LOGINS["admin"])
    refused = post(client, f"/desk/clients/{own}/coverage", NO_DAY)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Choose at least one day." in page and "au moins un jour" not in page
    wrong = post(client, f"/desk/clients/{own}/numbers", {"number-number": "12"})
    assert "is not a valid number" in wrong.get_data(as_text=True)


def test_a_french_admin_reads_them_in_french_whatever_her_browser_says(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    _admin_speaks(db, "fr")
    auth.login(LOGINS["admin"])
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = post(client, f"/desk/clients/{own}/coverage", NO_DAY).get_data(as_text=True)
    assert "Choisissez au moins un jour." in page and "Choose at least" not in page


def test_a_browser_asking_for_english_gets_english_errors_when_the_user_has_no_setting(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    _admin_speaks(db, None)
    auth.login(LOGINS["admin"])
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en;q=0.8"
    page = post(client, f"/desk/clients/{own}/coverage", NO_DAY).get_data(as_text=True)
    assert "Choose at least one day." in page


def test_the_api_speaks_french_by_default_and_english_on_request(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, auth = setup_api(db, app)
    body = new_appointment(practice, MONDAY_9, patient_name="   ")
    french = client.post("/api/v1/appointments", json=body, headers=auth)
    assert french.status_code == 422
    assert french.get_json()["detail"] == "Le nom du patient est obligatoire."
    assert french.get_json()["title"] == "Contenu non traitable"
    assert french.headers["Content-Language"] == "fr"
    english = client.post(
        "/api/v1/appointments", json=body, headers={**auth, "Accept-Language": "en"}
    )
    assert english.get_json() == {
        **french.get_json(),
        "title": "Unprocessable Content",
        "detail": "The patient's name is required.",
    }
    unknown = client.get(
        "/api/v1/appointments/999999", headers={**auth, "Accept-Language": "en-US"}
    )
    assert unknown.status_code == 404 and unknown.get_json()["detail"] == "Appointment not found."
    german = client.post(
        "/api/v1/appointments", json=body, headers={**auth, "Accept-Language": "de"}
    )
    assert german.get_json()["detail"] == "Le nom du patient est obligatoire."

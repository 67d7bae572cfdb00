from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from desk.calls.live import accepted_call
from desk.request_context import database_of
from tests.conftest import AuthActions, pin_clock
from tests.helpers.html import one, parse
from tests.helpers.routing import DESK_NUMBER
from tests.helpers.web import LOGINS, post, secretary_id

NOON = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)  # Monday 12:30 in Paris: Claire and Sophie


def test_a_lunch_call_accepted_by_claire_shows_the_steps_and_pops_her_fiche(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    pin_clock(app, NOON)
    auth.login(LOGINS["secretary"])
    placed = post(
        client,
        "/desk/simulator",
        {"number": DESK_NUMBER, "caller": "+33612345678", "step1": "accept"},
    )
    assert placed.status_code == 200
    page = placed.get_data(as_text=True)
    assert "Annonce" in page  # the greeting
    assert "Fait sonner : Claire" in page
    assert "Claire accepte l’appel." in page
    assert 'data-outcome="answered"' in page
    with database_of(app).session() as s:
        live = accepted_call(s, secretary_id(s, "Claire"), NOON)
        assert live is not None and live.caller == "+33612345678"

    call_sid = one(parse(page), '//input[@name="call_sid"]').get("value")
    ended = post(
        client,
        "/desk/simulator/hang-up",
        {"call_sid": call_sid, "to": DESK_NUMBER, "caller": "+33612345678"},
    )
    assert ended.status_code == 200
    with database_of(app).session() as s:
        assert accepted_call(s, secretary_id(s, "Claire"), NOON) is None


def test_a_call_nobody_answers_ends_in_voicemail(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    pin_clock(app, NOON)
    auth.login(LOGINS["admin"])
    placed = post(
        client,
        "/desk/simulator",
        {
            "number": DESK_NUMBER,
            "caller": "+33612345678",
            "step1": "no-answer",
            "step2": "decline",
            "step3": "no-answer",
        },
    )
    page = placed.get_data(as_text=True)
    assert "Messagerie : enregistre l’appelant." in page
    assert 'data-outcome="voicemail"' in page
    assert "Raccrocher" not in page


def test_a_desk_number_of_another_tenant_is_refused_next_to_the_field(
    client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    auth.login(LOGINS["secretary"])
    refused = post(client, "/desk/simulator", {"number": "+33199009999", "caller": "+33612"})
    assert refused.status_code == 400
    assert 'id="number-error"' in refused.get_data(as_text=True)

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from desk.base.db import Database
from tests.helpers.api import MONDAY_9, new_appointment, setup_api


def test_without_a_valid_key_the_api_answers_401(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    setup_api(db, app)
    response = client.get("/api/v1/appointments", headers={"Authorization": "Bearer pk_wrong"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_book_read_list_reschedule_and_cancel(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, auth = setup_api(db, app)
    slots = client.get(
        "/api/v1/availability",
        query_string={
            "practitioner_id": practice.practitioner.id,
            "type_id": practice.type.id,
            "from": "2027-03-08T00:00:00+01:00",
            "to": "2027-03-09T00:00:00+01:00",
        },
        headers=auth,
    ).get_json()["slots"]
    assert slots[0]["starts_at"] == "2027-03-08T08:00:00+00:00" and len(slots) == 14
    created = client.post(
        "/api/v1/appointments", json=new_appointment(practice, MONDAY_9), headers=auth
    )
    assert created.status_code == 201
    appt = created.get_json()
    assert client.get(f"/api/v1/appointments/{appt['id']}", headers=auth).get_json() == appt
    listed = client.get(
        "/api/v1/appointments",
        query_string={"from": "2027-03-08T00:00:00Z", "to": "2027-03-09T00:00:00Z"},
        headers=auth,
    ).get_json()["appointments"]
    assert [a["id"] for a in listed] == [appt["id"]]
    moved = client.post(
        f"/api/v1/appointments/{appt['id']}/reschedule",
        json={"starts_at": (MONDAY_9 + timedelta(hours=1)).isoformat()},
        headers=auth,
    ).get_json()
    assert moved["uid"] == appt["uid"] and moved["sequence"] == 1
    cancelled = client.post(f"/api/v1/appointments/{appt['id']}/cancel", headers=auth).get_json()
    assert cancelled["status"] == "cancelled"


def test_a_taken_slot_is_409_with_the_next_free_slots(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, auth = setup_api(db, app)
    assert (
        client.post(
            "/api/v1/appointments", json=new_appointment(practice, MONDAY_9), headers=auth
        ).status_code
        == 201
    )
    response = client.post(
        "/api/v1/appointments", json=new_appointment(practice, MONDAY_9), headers=auth
    )
    assert response.status_code == 409
    problem = response.get_json()
    assert problem["field"] == "starts_at" and "créneau déjà pris" in problem["detail"]
    assert problem["next_slots"][0]["starts_at"] == "2027-03-08T08:30:00+00:00"


def test_bad_input_is_422_naming_the_field(db: Database, app: Flask, client: FlaskClient) -> None:
    practice, auth = setup_api(db, app)
    cases = [
        (
            new_appointment(practice, MONDAY_9, starts_at="2027-03-08T09:00:00"),
            "starts_at",
        ),  # no offset
        (new_appointment(practice, MONDAY_9, starts_at="lundi"), "starts_at"),
        (new_appointment(practice, MONDAY_9, patient_name=""), "patient_name"),
        (new_appointment(practice, MONDAY_9, type_id="x"), "type_id"),
        (new_appointment(practice, MONDAY_9, patient_phone="123"), "patient_phone"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/appointments", json=body, headers=auth)
        assert response.status_code == 422, body
        problem = response.get_json()
        assert problem["field"] == field and problem["title"] and problem["detail"]


def test_another_clients_appointment_is_not_found(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, auth = setup_api(db, app)
    appt = client.post(
        "/api/v1/appointments", json=new_appointment(practice, MONDAY_9), headers=auth
    ).get_json()
    _, other = setup_api(db, app)
    assert client.get(f"/api/v1/appointments/{appt['id']}", headers=other).status_code == 404


def test_the_openapi_document_describes_every_route(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    routes = {
        re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", r.rule.removeprefix("/api/v1"))
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/v1/") and not r.rule.endswith("openapi.json")
    }
    assert routes == set(document["paths"])

"""/api/v1/reports/…: the key's client's activity, staffing, and the OpenAPI entries."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from desk.base.db import Database
from scheduling.tokens import create_api_key
from tests.helpers.reports import make_people, week_history

NOW = datetime(2027, 4, 1, 9, tzinfo=UTC)


def test_the_keys_client_gets_its_week(db: Database, client: FlaskClient, session: Session) -> None:
    parc, *_ = week_history(session)
    other, *_ = make_people(session)
    _, key = create_api_key(session, parc.id, "reports", NOW)
    _, other_key = create_api_key(session, other.id, "reports", NOW)
    session.commit()
    headers = {"Authorization": f"Bearer {key}"}
    response = client.get("/api/v1/reports/activity?from=2027-03-22&to=2027-03-28", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    m = response.get_json()["measures"]
    assert (m["offered"], m["answered"], m["answer_rate"], m["p90_wait_seconds"]) == (
        8,
        5,
        0.625,
        50,
    )
    # The other client's key sees the other client's (empty) week, never this one.
    response = client.get(
        "/api/v1/reports/activity?from=2027-03-22&to=2027-03-28",
        headers={"Authorization": f"Bearer {other_key}"},
    )
    assert response.get_json()["measures"]["offered"] == 0
    assert client.get("/api/v1/reports/activity?from=2027-03-22&to=2027-03-28").status_code == 401


def test_bad_input_is_422_naming_the_field(
    db: Database, client: FlaskClient, session: Session
) -> None:
    parc, *_ = make_people(session)
    _, key = create_api_key(session, parc.id, "reports", NOW)
    session.commit()
    headers = {"Authorization": f"Bearer {key}"}
    response = client.get("/api/v1/reports/activity?from=22/03/2027&to=2027-03-28", headers=headers)
    assert response.status_code == 422
    assert response.get_json()["field"] == "from"
    response = client.get("/api/v1/reports/activity?from=2027-03-28&to=2027-03-01", headers=headers)
    assert (response.status_code, response.get_json()["field"]) == (422, "to")
    response = client.get("/api/v1/reports/staffing?calls_per_hour=200&aht=0", headers=headers)
    assert (response.status_code, response.get_json()["field"]) == (422, "aht")


def test_staffing_over_the_api(db: Database, client: FlaskClient, session: Session) -> None:
    parc, *_ = make_people(session)
    _, key = create_api_key(session, parc.id, "reports", NOW)
    session.commit()
    response = client.get(
        "/api/v1/reports/staffing?calls_per_hour=200&aht=180",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.get_json()["agents"] == 14


def test_the_openapi_document_has_the_reports(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/reports/activity" in document["paths"] and "/reports/staffing" in document["paths"]
    assert "Activity" in document["components"]["schemas"]

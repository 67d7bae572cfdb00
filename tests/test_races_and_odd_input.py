"""Racing writers get one winner and a clear 409; odd input gets 4xx, never a 500."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from desk.base.db import Database
from desk.models import Appointment, AuditEvent
from tests.helpers.api import MONDAY_9, new_appointment, setup_api
from tests.helpers.web import csrf_token

TUESDAY = [datetime(2027, 3, 9, 8 + n // 2, 30 * (n % 2), tzinfo=UTC) for n in range(10)]


def _audits(db: Database, action: str) -> int:
    with db.session() as s:
        return int(
            s.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
            )
            or 0
        )


def test_ten_racing_reschedules_of_one_version_have_one_winner_and_nine_409s(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, auth = setup_api(db, app)
    booked = client.post(
        "/api/v1/appointments", json=new_appointment(practice, MONDAY_9), headers=auth
    )
    appt = booked.get_json()
    assert appt["version"] == 1

    def move(at: datetime) -> tuple[int, dict[str, object]]:
        response = app.test_client().post(
            f"/api/v1/appointments/{appt['id']}/reschedule",
            json={"starts_at": at.isoformat(), "version": appt["version"]},
            headers=auth,
        )
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(move, TUESDAY))
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * 9
    winner = next(body for status, body in results if status == 200)
    for status, body in results:
        if status == 409:
            # The loser sees the state it lost to, and words saying what to do.
            assert body["current"]["starts_at"] == winner["starts_at"]
            assert body["current"]["version"] == 2
            assert "rechargez" in body["detail"]  # French by default
    with db.session() as s:
        row = s.get(Appointment, appt["id"])
        assert row is not None and row.sequence == 1 and row.version == 2
    assert _audits(db, "appointment.rescheduled") == 1


def test_an_if_match_header_with_an_old_version_is_refused(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, auth = setup_api(db, app)
    appt = client.post(
        "/api/v1/appointments", json=new_appointment(practice, MONDAY_9), headers=auth
    )
    url = f"/api/v1/appointments/{appt.get_json()['id']}/reschedule"
    first = client.post(url, json={"starts_at": TUESDAY[0].isoformat()}, headers=auth)
    assert first.status_code == 200 and first.get_json()["version"] == 2
    stale = client.post(
        url, json={"starts_at": TUESDAY[1].isoformat()}, headers={**auth, "If-Match": '"1"'}
    )
    assert stale.status_code == 409
    assert stale.get_json()["current"]["starts_at"] == first.get_json()["starts_at"]


def test_a_cancel_link_used_twenty_times_at_once_cancels_once_with_one_audit_row(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, auth = setup_api(db, app)
    appt = client.post(
        "/api/v1/appointments", json=new_appointment(practice, MONDAY_9), headers=auth
    )
    with db.session() as s:
        token = s.get(Appointment, appt.get_json()["id"]).cancel_token  # type: ignore[union-attr]

    def use(_: int) -> int:
        return app.test_client().post(f"/c/{token}").status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(use, range(20)))
    assert statuses == [200] * 20
    assert _audits(db, "appointment.cancelled") == 1
    with db.session() as s:
        row = s.get(Appointment, appt.get_json()["id"])
        assert row is not None and row.status == "cancelled" and row.sequence == 1


@pytest.mark.parametrize(
    "query",
    [
        {"practitioner_id": "²", "type_id": "1"},
        {"practitioner_id": "99999999999999999999", "type_id": "1"},
        {"practitioner_id": "1", "type_id": "-99999999999"},
    ],
)
def test_odd_numbers_in_a_query_are_422(
    db: Database, app: Flask, client: FlaskClient, query: dict[str, str]
) -> None:
    _, auth = setup_api(db, app)
    response = client.get(
        "/api/v1/availability",
        query_string={**query, "from": "2027-03-08T00:00:00Z", "to": "2027-03-09T00:00:00Z"},
        headers=auth,
    )
    assert response.status_code == 422
    assert response.get_json()["field"] in ("practitioner_id", "type_id")


@pytest.mark.parametrize(
    "path", ["/api/v1/appointments/99999999999999999999", "/api/v1/appointments/2147483648/cancel"]
)
def test_an_id_beyond_the_columns_range_is_a_json_404(
    db: Database, app: Flask, client: FlaskClient, path: str
) -> None:
    _, auth = setup_api(db, app)
    method = client.post if path.endswith("cancel") else client.get
    response = method(path, headers=auth)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("when", ["9999-12-31T23:45-14:00", "0001-01-01T00:00+14:00"])
def test_far_dates_are_422_with_the_field(
    db: Database, app: Flask, client: FlaskClient, when: str
) -> None:
    practice, auth = setup_api(db, app)
    response = client.post(
        "/api/v1/appointments",
        json=new_appointment(practice, MONDAY_9, starts_at=when),
        headers=auth,
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "starts_at"


def test_a_nul_byte_in_a_json_body_is_422_and_stores_nothing(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, auth = setup_api(db, app)
    response = client.post(
        "/api/v1/appointments",
        json=new_appointment(practice, MONDAY_9, notes="a\x00b"),
        headers=auth,
    )
    assert response.status_code == 422
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == 0


@pytest.mark.parametrize(
    "target",
    ["/desk/\r\nSet-Cookie: x=1", "/\\evil.example", "//evil.example", "https://evil.example"],
)
def test_login_never_redirects_off_site_nor_fails_on_a_crlf_next(
    client: FlaskClient, demo: str, target: str
) -> None:
    from tests.conftest import AuthActions

    client.get("/desk/login")
    auth = AuthActions(client)
    auth.client.get("/desk/login")
    response = auth.client.post(
        "/desk/login",
        query_string={"next": target},
        data={
            "email": "admin@permanence.test",
            "password": "permanence",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code in (302, 303, 401)
    location = response.headers.get("Location", "")
    assert "evil" not in location and "\n" not in location and "Set-Cookie" not in location


def test_a_booking_race_lost_to_a_deadlock_is_a_409_slot_taken(
    db: Database, app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    practice, auth = setup_api(db, app)

    class Deadlock(Exception):
        sqlstate = "40P01"

    real_flush = Session.flush
    calls: list[int] = []

    def flush(self: Session, *args: object, **kwargs: object) -> None:
        if any(isinstance(o, Appointment) for o in self.new) and not calls:
            calls.append(1)
            raise OperationalError("INSERT INTO appointments", {}, Deadlock())
        real_flush(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Session, "flush", flush)
    response = client.post(
        "/api/v1/appointments", json=new_appointment(practice, MONDAY_9), headers=auth
    )
    assert response.status_code == 409
    assert response.get_json()["field"] == "starts_at"
    assert "next_slots" in response.get_json()

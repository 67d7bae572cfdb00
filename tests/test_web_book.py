"""The Book page: a week's free slots, booking through the domain, a slot taken meanwhile,
finding, moving and cancelling an appointment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.db import Database
from desk.models import Appointment, AppointmentType, Outbox, Practitioner
from scheduling.booking import book
from tests.conftest import AuthActions, pin_clock
from tests.helpers.booking import MONDAY_9, MONDAY_930, NOW, ids
from tests.helpers.web import LOGINS, demo_call, other_tenant, post

# The demo books appointments of its own; the ones these tests make are Jeanne's.
JEANNE = Appointment.patient_name == "Jeanne Petit"


def booking_form(db: Database, starts_at: datetime, **extra: Any) -> dict[str, Any]:
    return {
        **ids(db),
        "week": "2026-03-09",
        "starts_at": starts_at.isoformat(),
        "patient_name": "Jeanne Petit",
        "patient_phone": "06 12 34 56 78",
        "notes": "Première visite",
        **extra,
    }


def test_claire_sees_next_weeks_free_slots_in_paris_time(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    auth.login(LOGINS["secretary"])
    query = "&".join(f"{k}={v}" for k, v in ids(db).items())
    page = client.get(f"/desk/book?{query}&week=2026-03-11").get_data(as_text=True)
    assert f'value="{MONDAY_9.isoformat()}"' in page
    assert "09:00" in page
    assert 'data-day="2026-03-15"' not in page  # Sunday: Dr Martin does not work


def test_claire_books_a_slot_and_the_patient_gets_a_confirmation_sms(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    auth.login(LOGINS["secretary"])
    response = post(client, "/desk/book", booking_form(db, MONDAY_9))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Le rendez-vous est pris." in page
    assert "09/03/2026 09:00" in page
    with db.session() as s:
        appt = s.scalars(select(Appointment).where(JEANNE)).one()
        assert (appt.patient_name, appt.patient_phone) == ("Jeanne Petit", "+33612345678")
        assert appt.starts_at == MONDAY_9
        sms = s.scalars(select(Outbox).where(Outbox.recipient == "+33612345678")).one()
        assert "RDV confirmé" in sms.body


def test_a_slot_taken_meanwhile_shows_a_french_message_and_the_next_free_slots(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    auth.login(LOGINS["secretary"])
    client.get("/desk/book")
    with db.session() as s:
        book(s, **ids(db), starts_at=MONDAY_9, patient_name="Quelqu'un", now=NOW)
    response = post(client, "/desk/book", booking_form(db, MONDAY_9))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "vient de prendre ce créneau. Voici les prochains créneaux libres." in page
    assert f'value="{MONDAY_930.isoformat()}"' in page
    assert f'value="{MONDAY_9.isoformat()}"' not in page
    assert 'value="Jeanne Petit"' in page  # what Claire typed is kept


def test_a_wrong_phone_number_is_shown_next_to_the_phone_field(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    auth.login(LOGINS["secretary"])
    response = post(client, "/desk/book", booking_form(db, MONDAY_9, patient_phone="12"))
    assert response.status_code == 400
    assert 'id="patient_phone-error"' in response.get_data(as_text=True)
    with db.session() as s:
        assert s.scalars(select(Appointment).where(JEANNE)).all() == []


def test_opened_from_a_live_call_the_page_knows_the_client_and_the_callers_number(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    call_id = demo_call(db, sid="CA-book", at=NOW, caller="+33698765432")
    auth.login(LOGINS["secretary"])
    known = ids(db)
    page = client.get(
        f"/desk/book?call={call_id}&practitioner_id={known['practitioner_id']}"
        f"&type_id={known['type_id']}&week=2026-03-09"
    ).get_data(as_text=True)
    assert 'value="+33698765432"' in page
    assert f'name="call_id" type="hidden" value="{call_id}"' in page
    response = post(client, "/desk/book", booking_form(db, MONDAY_9, call_id=str(call_id)))
    assert response.status_code == 302
    with db.session() as s:
        assert s.scalars(select(Appointment.call_id).where(JEANNE)).one() == call_id


def test_an_appointment_is_found_by_the_patients_name_or_phone_typed_any_way(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    with db.session() as s:
        book(s, **ids(db), starts_at=MONDAY_9, patient_name="Jeanne Petit",
             patient_phone="+33612345678", now=NOW)  # fmt: skip
    auth.login(LOGINS["secretary"])
    for typed in ("petit", "06 12 34 56 78"):
        page = client.get(f"/desk/book/find?q={typed}").get_data(as_text=True)
        assert "Jeanne Petit" in page and "09/03/2026 09:00" in page, typed
    page = client.get("/desk/book/find?q=Durand").get_data(as_text=True)
    assert "Aucun rendez-vous trouvé." in page


def test_claire_moves_an_appointment_then_cancels_it(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    with db.session() as s:
        appt_id = book(s, **ids(db), starts_at=MONDAY_9, patient_name="Jeanne", now=NOW).id
    auth.login(LOGINS["secretary"])
    page = client.get(f"/desk/book/{appt_id}").get_data(as_text=True)
    assert f'value="{MONDAY_930.isoformat()}"' in page
    response = post(
        client,
        f"/desk/book/{appt_id}/reschedule?week=2026-03-09",
        {"starts_at": MONDAY_930.isoformat()},
    )
    assert response.status_code == 302
    assert "09/03/2026 09:30" in client.get(f"/desk/book/{appt_id}").get_data(as_text=True)
    response = post(client, f"/desk/book/{appt_id}/cancel", {"reason": "patient malade"})
    assert response.status_code == 302
    page = client.get(f"/desk/book/{appt_id}").get_data(as_text=True)
    assert "Le rendez-vous est annulé." in page
    with db.session() as s:
        appt = s.get(Appointment, appt_id)
        assert appt is not None
        assert (appt.status, appt.sequence, appt.starts_at) == ("cancelled", 2, MONDAY_930)


def test_another_practices_appointment_is_not_found_for_claire(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    other = other_tenant(db)
    with db.session() as s:
        doctor = Practitioner(client_id=other, name="Dr Autre")
        kind = AppointmentType(client_id=other, name="Consultation", duration_minutes=30)
        s.add_all([doctor, kind])
        s.flush()
        appt = Appointment(
            uid="other@test", client_id=other, practitioner_id=doctor.id, type_id=kind.id,
            starts_at=MONDAY_9, ends_at=MONDAY_930, blocked_until=MONDAY_930,
            patient_name="Secret Patient", cancel_token="tok-other",
        )  # fmt: skip
        s.add(appt)
        s.flush()
        appt_id = appt.id
    auth.login(LOGINS["secretary"])
    assert client.get(f"/desk/book/{appt_id}").status_code == 404
    assert post(client, f"/desk/book/{appt_id}/cancel").status_code == 404
    assert "Secret Patient" not in client.get("/desk/book/find?q=Secret").get_data(as_text=True)
    assert client.get(f"/desk/book?client_id={other}").status_code == 404

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.models import Appointment, DeskNumber
from scheduling.booking import book
from scheduling.cancel import cancel_by_sms
from tests.conftest import pin_clock
from tests.helpers.appointments import NOW, make_practice

MONDAY_9 = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)


def _booked(db: Database) -> tuple[int, str]:
    with db.session() as s:
        practice = make_practice(s)
        appt = book(
            s,
            **practice.ids,
            starts_at=MONDAY_9,
            patient_name="Marie Dupont",
            patient_phone="0612345678",
            now=NOW,
        )
        return appt.id, appt.cancel_token


def test_the_cancel_link_asks_then_cancels_and_is_harmless_twice(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    pin_clock(app, NOW)
    appt_id, token = _booked(db)
    page = client.get(f"/c/{token}").get_data(as_text=True)
    assert "lundi 8 mars à 9h00" in page and "Oui, annuler" in page
    with db.session() as s:
        assert s.get(Appointment, appt_id).status == "booked"  # type: ignore[union-attr]
    for _ in range(2):
        done = client.post(f"/c/{token}")
        assert done.status_code == 200 and "est annulé" in done.get_data(as_text=True)
    with db.session() as s:
        assert s.get(Appointment, appt_id).sequence == 1  # type: ignore[union-attr]


def test_the_cancel_link_after_the_cutoff_refuses_and_gives_the_number(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    appt_id, token = _booked(db)
    pin_clock(app, MONDAY_9 - timedelta(hours=3))  # cut-off is 4 h
    page = client.post(f"/c/{token}").get_data(as_text=True)
    assert "trop tard" in page and "01 45 00 00 00" in page
    with db.session() as s:
        assert s.get(Appointment, appt_id).status == "booked"  # type: ignore[union-attr]


def test_an_unknown_cancel_link_is_404(app: Flask, client: FlaskClient) -> None:
    assert client.get("/c/nope").status_code == 404


def test_a_reply_annuler_cancels_the_senders_next_appointment(
    db: Database, session: Session
) -> None:
    appt_id, _ = _booked(db)
    reply = cancel_by_sms(session, "+33612345678", "+33199001234", "annuler", NOW)
    session.commit()
    assert reply is not None and "annulé" in reply
    assert session.get(Appointment, appt_id).status == "cancelled"  # type: ignore[union-attr]
    again = cancel_by_sms(session, "+33612345678", "+33199001234", "ANNULER", NOW)
    assert again is not None and "aucun rendez-vous" in again
    assert cancel_by_sms(session, "+33612345678", "+33199001234", "merci", NOW) is None


def test_a_reply_annuler_within_the_cutoff_is_refused(db: Database, session: Session) -> None:
    appt_id, _ = _booked(db)
    appt = session.get(Appointment, appt_id)
    assert appt is not None
    session.add(DeskNumber(client_id=appt.client_id, number="+33199001234"))
    session.commit()
    reply = cancel_by_sms(
        session, "+33612345678", "+33199001234", "ANNULER", MONDAY_9 - timedelta(hours=1)
    )
    assert reply is not None and "trop proche" in reply and "01 45 00 00 00" in reply
    assert session.get(Appointment, appt_id).status == "booked"  # type: ignore[union-attr]

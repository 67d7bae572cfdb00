"""A patient's SMS reply ANNULER, through the real webhook, cancels the booking."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from desk.base.db import Database
from desk.models import Appointment, DeskNumber
from scheduling.booking import book
from tests.conftest import pin_clock
from tests.helpers.appointments import NOW, make_practice
from tests.helpers.routing import twiml
from tests.helpers.twilio import fixture, signed_post

MONDAY_9 = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)
DESK_NUMBER = "+33199001234"


def _booked(db: Database) -> int:
    with db.session() as s:
        practice = make_practice(s)
        s.add(DeskNumber(client_id=practice.client.id, number=DESK_NUMBER))
        appt = book(
            s,
            **practice.ids,
            starts_at=MONDAY_9,
            patient_name="Marie Dupont",
            patient_phone="06 12 34 56 78",
            now=NOW,
        )
        return appt.id


def test_a_reply_annuler_to_the_desk_number_cancels_and_answers_in_french(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    appt_id = _booked(db)
    pin_clock(app, NOW)
    form = fixture("sms-incoming", From="+33612345678", To=DESK_NUMBER, Body="Annuler svp")
    (reply,) = twiml(signed_post(client, "/webhooks/sms/incoming", form)).findall("Message")
    assert "annulé" in (reply.text or "")
    with db.session() as s:
        assert s.get(Appointment, appt_id).status == "cancelled"  # type: ignore[union-attr]


def test_cancel_in_english_is_not_a_cancel_keyword(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    # CANCEL is a carrier opt-out word: it opts the number out, it does not cancel.
    appt_id = _booked(db)
    pin_clock(app, NOW)
    form = fixture("sms-incoming", From="+33612345678", To=DESK_NUMBER, Body="CANCEL")
    assert signed_post(client, "/webhooks/sms/incoming", form).status_code == 200
    with db.session() as s:
        assert s.get(Appointment, appt_id).status == "booked"  # type: ignore[union-attr]

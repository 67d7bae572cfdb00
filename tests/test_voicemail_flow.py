"""A lunch-time call nobody takes, end to end through the signed webhooks: the caller's
voicemail becomes a Message, and the secretary on duty and the practice are told."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.db import Database
from desk.calls.simulation import Simulator, run_call
from desk.models import Message, Outbox
from tests.conftest import PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN, pin_clock

TUESDAY_LUNCH = datetime(2027, 3, 30, 10, 41, tzinfo=UTC)  # 12:41 in Paris


def _simulator(client: FlaskClient) -> Simulator:
    def send(path: str, data: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        response = client.post(path, data=data, headers=headers)
        return response.status_code, response.get_data(as_text=True)

    return Simulator(PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN, send)


def test_voicemail_reaches_the_secretary_on_duty_and_the_practice(
    db: Database, app: Flask, client: FlaskClient, demo: str
) -> None:
    pin_clock(app, TUESDAY_LUNCH)
    sim = _simulator(client)
    outcome = run_call(sim, "+33 1 99 00 12 34", "06 98 76 54 32", "no-answer")
    assert outcome == "voicemail"
    rung = [step.number for step in sim.steps if step.kind == "note" and step.number]
    assert rung == ["+33612000001", "+33612000002", "+33612000003"]  # Claire, Sophie, Inès

    with db.session() as s:
        (message,) = s.scalars(select(Message)).all()
        assert message.source == "voicemail"
        assert message.caller_number == "+33698765432"
        sent = {(row.channel, row.recipient, row.kind) for row in s.scalars(select(Outbox))}
    # Claire leads weekday lunches: she gets the summary; the practice gets SMS and e-mail.
    assert any(c == "sms" and r == "+33612000001" for c, r, _ in sent)
    assert any(c == "sms" and r == "+33612000009" for c, r, _ in sent)
    assert any(c == "email" and r == "accueil@cabinet-du-parc.test" for c, r, _ in sent)

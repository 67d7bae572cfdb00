"""POST /webhooks/sms/status and /webhooks/sms/incoming."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.db import Database
from desk.messages.inbound_sms import register_keyword, unregister_keyword
from desk.models import InboundSms, Message, OptOut, Outbox
from desk.outbox.queue import enqueue
from tests.helpers.messages import make_client
from tests.helpers.routing import twiml
from tests.helpers.twilio import fixture, sign, signed_post


def db_of(app: Flask) -> Database:
    database: Database = app.extensions["desk.db"]
    return database


def sent_row(app: Flask, provider_id: str | None, state: str = "sent") -> int:
    with db_of(app).session() as session:
        row = enqueue(session, channel="sms", recipient="+33612000009", body="x", kind="test")
        row.state, row.provider_id = state, provider_id
        session.flush()
        return row.id


def row_state(app: Flask, row_id: int) -> str:
    with db_of(app).session() as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        return row.state


STATUS = "/webhooks/sms/status"
SID = "SMfedcba9876543210fedcba9876543210"


def status(client: FlaskClient, state: str, row_id: int | None = None) -> int:
    path = STATUS + (f"?outbox={row_id}" if row_id else "")
    form = fixture("sms-status-undelivered", MessageStatus=state, SmsStatus=state)
    return int(signed_post(client, path, form).status_code)


def test_a_delivery_report_marks_the_row_delivered(app: Flask, client: FlaskClient) -> None:
    row_id = sent_row(app, SID)
    assert status(client, "delivered") == 204
    assert row_state(app, row_id) == "delivered"


def test_repeated_and_late_reports_never_move_a_row_backwards(
    app: Flask, client: FlaskClient
) -> None:
    row_id = sent_row(app, SID)
    for state in ("delivered", "delivered", "sent", "queued", "undelivered"):
        assert status(client, state) == 204
    assert row_state(app, row_id) == "delivered"


def test_an_undelivered_report_keeps_the_error_code(app: Flask, client: FlaskClient) -> None:
    row_id = sent_row(app, SID)
    status(client, "undelivered")
    with db_of(app).session() as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        assert row.state == "undelivered"
        assert row.last_error is not None and "30003" in row.last_error


def test_a_report_arriving_before_the_dispatcher_recorded_the_sid_finds_the_row(
    app: Flask, client: FlaskClient
) -> None:
    row_id = sent_row(app, None, state="sending")
    assert status(client, "delivered", row_id) == 204
    with db_of(app).session() as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        assert (row.state, row.provider_id) == ("delivered", SID)


def test_a_report_for_an_unknown_message_is_accepted_and_ignored(client: FlaskClient) -> None:
    assert status(client, "delivered") == 204


@pytest.mark.parametrize("path", ["/webhooks/sms/status", "/webhooks/sms/incoming"])
def test_forged_or_missing_signatures_are_refused(client: FlaskClient, path: str) -> None:
    form = fixture("sms-incoming")
    forged = sign(path, form, token="not-our-token")
    assert client.post(path, data=form, headers={"X-Twilio-Signature": forged}).status_code == 403
    assert client.post(path, data=form).status_code == 403
    tampered = sign(path, form)
    form["Body"] = "STOP"
    assert client.post(path, data=form, headers={"X-Twilio-Signature": tampered}).status_code == 403


INCOMING = "/webhooks/sms/incoming"


def incoming(
    client: FlaskClient, body: str, sid: str = "SM0123456789abcdef0123456789abcdef"
) -> list[str]:
    """POST an inbound SMS; the texts of the TwiML reply's <Message>s."""
    response = signed_post(client, INCOMING, fixture("sms-incoming", Body=body, MessageSid=sid))
    return [m.text or "" for m in twiml(response).findall("Message")]


@pytest.fixture
def with_client(app: Flask) -> Iterator[int]:
    with db_of(app).session() as session:
        client_id = make_client(session).id
    yield client_id


def test_a_reply_from_a_contact_is_stored_once_and_attached_to_the_clients_log(
    app: Flask, client: FlaskClient, with_client: int
) -> None:
    body = fixture("sms-incoming")["Body"]
    first = incoming(client, body)
    again = incoming(client, body)  # Twilio retrying the same MessageSid
    assert first == [] and again == []
    with db_of(app).session() as session:
        assert len(session.scalars(select(InboundSms)).all()) == 1
        [message] = session.scalars(select(Message)).all()
        assert (message.client_id, message.source, message.body) == (with_client, "sms", body)
        assert message.caller_number == "+33612000009"
        assert session.scalars(select(Outbox)).all() == []  # a reply notifies nobody


@pytest.mark.parametrize("word", ["STOP", "Arrêt", "arret", "STOP SMS", "Désabonner", " stop. "])
def test_stop_and_its_french_forms_opt_the_number_out(
    app: Flask, client: FlaskClient, word: str
) -> None:
    (reply,) = incoming(client, word)
    assert reply.startswith("Vous ne recevrez plus de SMS")
    with db_of(app).session() as session:
        assert session.scalar(select(OptOut.number)) == "+33612000009"
        assert session.scalars(select(Message)).all() == []


def test_start_opts_the_number_back_in(app: Flask, client: FlaskClient) -> None:
    incoming(client, "ARRET", sid="SM1")
    assert len(incoming(client, "START", sid="SM2")) == 1
    with db_of(app).session() as session:
        assert session.scalars(select(OptOut)).all() == []


def test_a_registered_keyword_answers_with_its_handlers_reply(client: FlaskClient) -> None:
    seen: list[tuple[str, str, str]] = []

    def cancel(session: object, sender: str, to: str, body: str, now: datetime) -> str | None:
        seen.append((sender, to, body))
        return "Votre rendez-vous est annulé."

    register_keyword("ANNULER", cancel)
    try:
        reply = incoming(client, "annuler 42")
    finally:
        unregister_keyword("ANNULER")
    assert seen == [("+33612000009", "+33199001234", "annuler 42")]
    assert reply == ["Votre rendez-vous est annulé."]


def test_stop_and_cancel_cannot_be_registered_as_keywords() -> None:
    with pytest.raises(ValueError):
        register_keyword("CANCEL", lambda *args: None)

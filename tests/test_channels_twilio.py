"""The real twilio client, aimed at a local server that plays Twilio's REST API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desk.base.clock import system_now
from desk.base.db import Database
from desk.messages.intake import take_message
from desk.models import OptOut, Outbox
from desk.outbox.dispatch import Dispatcher
from desk.outbox.queue import record_status
from tests.conftest import PUBLIC_BASE_URL, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
from tests.helpers.local_servers import TwilioApiServer, twilio_overrides
from tests.helpers.messages import TUESDAY_NOON, make_client, make_settings

SMS_ONLY = [{"name": "Accueil", "phone": "+33612000009", "receives_email": False}]


@pytest.fixture
def twilio_api() -> Iterator[TwilioApiServer]:
    with TwilioApiServer() as server:
        yield server


class Clock:
    def __init__(self) -> None:
        self.at = system_now() + timedelta(seconds=1)  # rows enqueued just after are due

    def __call__(self) -> datetime:
        return self.at


def one_message(db: Database, body: str = "Rappeler Mme Durand") -> int:
    with db.session() as session:
        client = make_client(session, contacts=SMS_ONLY)
        message = take_message(session, client_id=client.id, body=body, now=TUESDAY_NOON)
        return message.id


def the_row(db: Database) -> Outbox:
    with db.session() as session:
        row = session.scalars(select(Outbox)).one()
        session.expunge(row)
        return row


def test_the_twilio_client_sends_to_body_and_status_callback_with_basic_auth(
    db: Database, tmp_path: Path, twilio_api: TwilioApiServer
) -> None:
    settings = make_settings(db, tmp_path, twilio_overrides(twilio_api))
    one_message(db)
    result = Dispatcher(db, settings, node="test").run()
    assert result.sent == 1
    [request] = twilio_api.requests
    row = the_row(db)
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json"
    assert request.auth == (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)
    assert request.form["To"] == "+33612000009"
    assert request.form["Body"] == row.body and "Rappeler Mme Durand" in row.body
    assert request.form["MessagingServiceSid"] == "MG00000000000000000000000000000000"
    assert request.form["StatusCallback"] == (
        f"{PUBLIC_BASE_URL}/webhooks/sms/status?outbox={row.id}"
    )
    assert row.state == "sent" and row.provider_id and row.provider_id.startswith("SM")
    assert row.attempts == 1


def test_a_from_number_is_used_when_no_messaging_service_is_set(
    db: Database, tmp_path: Path, twilio_api: TwilioApiServer
) -> None:
    overrides = twilio_overrides(twilio_api, messaging_service_sid="", from_number="+33199001234")
    one_message(db)
    Dispatcher(db, make_settings(db, tmp_path, overrides), node="test").run()
    [request] = twilio_api.requests
    assert request.form["From"] == "+33199001234"
    assert "MessagingServiceSid" not in request.form


def test_a_500_is_retried_after_backoff_and_the_sms_is_delivered_once(
    db: Database, tmp_path: Path, twilio_api: TwilioApiServer
) -> None:
    settings = make_settings(db, tmp_path, twilio_overrides(twilio_api))
    clock = Clock()
    dispatcher = Dispatcher(db, settings, node="test", clock=clock)
    one_message(db)
    twilio_api.answer(500, {"code": 20500, "message": "Internal Server Error", "status": 500})

    assert dispatcher.run().retried == 1
    row = the_row(db)
    assert (row.state, row.attempts) == ("pending", 1)
    assert row.last_error is not None and "500" in row.last_error
    assert row.next_attempt_at == clock.at + timedelta(seconds=30)

    assert dispatcher.run().handled == 0  # not due yet: no hammering
    clock.at += timedelta(seconds=31)
    assert dispatcher.run().sent == 1
    assert dispatcher.run().handled == 0
    assert len(twilio_api.requests) == 2
    row = the_row(db)
    assert (row.state, row.attempts, row.last_error) == ("sent", 2, None)
    with db.session() as session:
        assert row.provider_id is not None
        record_status(session, provider_id=row.provider_id, status="delivered", now=clock.at)
    assert the_row(db).state == "delivered"


def test_an_invalid_number_fails_at_once_is_not_retried_and_says_why(
    db: Database, tmp_path: Path, twilio_api: TwilioApiServer
) -> None:
    settings = make_settings(db, tmp_path, twilio_overrides(twilio_api))
    clock = Clock()
    dispatcher = Dispatcher(db, settings, node="test", clock=clock)
    one_message(db)
    twilio_api.answer_error(400, 21211, "The 'To' number +33612000009 is not a valid phone number.")

    assert dispatcher.run().failed == 1
    clock.at += timedelta(days=1)
    assert dispatcher.run().handled == 0
    assert len(twilio_api.requests) == 1
    row = the_row(db)
    assert (row.state, row.permanent_error, row.attempts) == ("failed", True, 1)
    assert row.last_error is not None and "21211" in row.last_error


def test_an_unsubscribed_recipient_is_remembered_as_opted_out(
    db: Database, tmp_path: Path, twilio_api: TwilioApiServer
) -> None:
    settings = make_settings(db, tmp_path, twilio_overrides(twilio_api))
    one_message(db)
    twilio_api.answer_error(400, 21610, "Attempt to send to unsubscribed recipient")
    Dispatcher(db, settings, node="test").run()
    with db.session() as session:
        assert session.scalar(select(OptOut.number)) == "+33612000009"


def test_transient_errors_give_up_after_the_configured_number_of_tries(
    db: Database, tmp_path: Path, twilio_api: TwilioApiServer
) -> None:
    settings = make_settings(
        db, tmp_path, twilio_overrides(twilio_api), {"scheduler": {"outbox_max_attempts": 3}}
    )
    clock = Clock()
    dispatcher = Dispatcher(db, settings, node="test", clock=clock)
    one_message(db)
    for _ in range(5):
        twilio_api.answer(503, {"code": 20503, "message": "Service Unavailable", "status": 503})
    for _ in range(5):
        dispatcher.run()
        clock.at += timedelta(hours=1)
    assert len(twilio_api.requests) == 3
    row = the_row(db)
    assert (row.state, row.attempts, row.permanent_error) == ("failed", 3, False)

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.db import Database
from desk.models import Message, Outbox
from tests.conftest import AuthActions, pin_clock
from tests.helpers.web import LOGINS, demo_call, demo_id, post

NOON = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)  # Monday 12:30 in Paris


def test_the_form_opened_from_a_call_is_prefilled_with_its_client_and_caller(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    call_id = demo_call(db, sid="CA-msg", at=NOON)
    auth.login(LOGINS["secretary"])
    page = client.get(f"/desk/messages/new?client_id={own}&call={call_id}").get_data(as_text=True)
    assert 'value="+33612345678"' in page
    assert f'<option selected value="{own}">' in page or f'value="{own}" selected' in page
    assert f'value="{call_id}"' in page


def test_an_empty_message_is_refused_with_the_error_next_to_the_field(
    client: FlaskClient, auth: AuthActions, own: int
) -> None:
    auth.login(LOGINS["secretary"])
    refused = post(
        client,
        "/desk/messages/new",
        {"client": str(own), "caller_number": "12", "urgency": "normal", "body": ""},
    )
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert 'id="body-error"' in page and "Le message est vide" in page
    assert 'id="caller_number-error"' in page


def test_a_message_taken_is_listed_with_its_deliveries_and_can_be_acknowledged(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    pin_clock(app, NOON)
    call_id = demo_call(db, sid="CA-msg", at=NOON)
    auth.login(LOGINS["secretary"])
    taken = post(
        client,
        "/desk/messages/new",
        {
            "client": str(own),
            "call": str(call_id),
            "caller_name": "M. Martin",
            "caller_number": "06 12 34 56 78",
            "urgency": "urgent",
            "body": "Rappeler pour une douleur",
        },
    )
    assert taken.status_code == 302
    page = client.get("/desk/messages/?seen=no&urgency=urgent").get_data(as_text=True)
    assert "M. Martin" in page and "Rappeler pour une douleur" in page
    with db.session() as s:
        message = s.scalar(select(Message))
        assert message is not None and message.call_id == call_id
        assert s.scalar(select(Outbox).where(Outbox.message_id == message.id)) is not None
        message_id = message.id
    assert "En attente" in page  # the delivery to the contact, not sent yet
    assert post(client, f"/desk/messages/{message_id}/acknowledge").status_code == 302
    assert "M. Martin" not in client.get("/desk/messages/?seen=no").get_data(as_text=True)
    assert "M. Martin" in client.get("/desk/messages/?seen=yes").get_data(as_text=True)


def test_the_outbox_shows_a_permanent_failure_and_the_text_sent(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    with db.session() as s:
        s.add(
            Outbox(
                channel="sms",
                recipient="+33600000000",
                body="Message pour le cabinet",
                client_id=demo_id(s),
                state="failed",
                attempts=1,
                permanent_error=True,
                last_error="Twilio 21211: invalid number",
            )
        )
    auth.login(LOGINS["secretary"])
    page = client.get("/desk/outbox/").get_data(as_text=True)
    assert "Message pour le cabinet" in page
    assert "Échec définitif" in page and "21211" in page

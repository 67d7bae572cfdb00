"""Forged requests are refused, retries change nothing, and a caller never hits a dead line."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.app import create_app
from desk.base.config import load_settings
from desk.calls import new_call
from desk.calls.decisions import Decision
from desk.models import Call, CallAttempt, WebhookReceipt
from tests.conftest import pin_clock, test_overrides
from tests.helpers.routing import CLAIRE, SOPHIE, VOICE, dialled, paris, tags, twiml
from tests.helpers.twilio import fixture, sign, signed_post

LUNCH = paris(2027, 3, 30, 12, 41)
INCOMING = "/webhooks/voice/incoming"


@pytest.fixture
def at_lunch(app: Flask, demo: str) -> datetime:
    pin_clock(app, LUNCH)
    return LUNCH


def count(session: Session, model: type) -> int:
    session.rollback()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
        {"X-Twilio-Signature": sign(INCOMING, fixture("voice-incoming-forwarded"), token="other")},
    ],
    ids=["missing", "forged", "wrong-token"],
)
def test_an_unsigned_or_forged_call_is_refused_and_leaves_no_trace(
    client: FlaskClient, at_lunch: datetime, session: Session, headers: dict[str, str]
) -> None:
    response = client.post(INCOMING, data=fixture("voice-incoming-forwarded"), headers=headers)
    assert response.status_code == 403
    assert count(session, Call) == 0


def test_a_signature_for_another_url_is_refused(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    form = fixture("voice-incoming-forwarded")
    # Signed for the status path, replayed against incoming.
    headers = {"X-Twilio-Signature": sign("/webhooks/voice/status", form)}
    assert client.post(INCOMING, data=form, headers=headers).status_code == 403
    # Signed for the URL Flask sees behind the proxy, not the public one.
    from twilio.request_validator import RequestValidator

    from tests.conftest import TWILIO_AUTH_TOKEN

    inner = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(
        f"http://localhost{INCOMING}", form
    )
    assert (
        client.post(INCOMING, data=form, headers={"X-Twilio-Signature": inner}).status_code == 403
    )
    assert count(session, Call) == 0


def test_a_signature_over_the_url_with_its_port_is_accepted(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    """Twilio signs some requests over the URL with the port (`:443`): still Twilio's."""
    from twilio.request_validator import RequestValidator

    from tests.conftest import PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN

    form = fixture("voice-incoming-forwarded")
    with_port = PUBLIC_BASE_URL.replace(".test", ".test:443") + INCOMING
    assert with_port != PUBLIC_BASE_URL + INCOMING
    signature = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(with_port, form)
    response = client.post(INCOMING, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    assert dialled(twiml(response)) == [CLAIRE]
    assert count(session, Call) == 1


def test_a_tampered_parameter_breaks_the_signature(client: FlaskClient, at_lunch: datetime) -> None:
    form = fixture("voice-incoming-forwarded")
    headers = {"X-Twilio-Signature": sign(INCOMING, form)}
    tampered = {**form, "From": "+33600000000"}
    assert client.post(INCOMING, data=tampered, headers=headers).status_code == 403


def test_the_same_incoming_webhook_twice_gets_the_same_twiml_and_one_call(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    form = fixture("voice-incoming-forwarded")
    first = signed_post(client, INCOMING, form)
    second = signed_post(client, INCOMING, form)
    assert first.data == second.data
    assert dialled(twiml(second)) == [CLAIRE]
    assert (count(session, Call), count(session, CallAttempt)) == (1, 1)


def test_a_retried_dial_result_does_not_skip_a_responder(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    signed_post(client, INCOMING, fixture("voice-incoming-forwarded"))
    form = fixture("voice-dial-result-no-answer")
    path = "/webhooks/voice/dial-result?step=0"
    token = {"I-Twilio-Idempotency-Token": "a1b2c3-retry"}
    first = signed_post(client, path, form, headers=token)
    second = signed_post(client, path, form, headers=token)
    # Without the token too: the same step's result is the same event.
    third = signed_post(client, path, form)
    assert first.data == second.data == third.data
    assert dialled(twiml(third)) == [SOPHIE]
    assert count(session, CallAttempt) == 2


def test_status_callbacks_out_of_order_keep_the_last_word(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    signed_post(client, INCOMING, fixture("voice-incoming-forwarded"))
    status = "/webhooks/voice/status"
    done = fixture("voice-status-completed", SequenceNumber="3")
    twiml(signed_post(client, status, done))
    late = fixture("voice-status-completed", SequenceNumber="1", CallStatus="in-progress")
    late.pop("CallDuration")
    twiml(signed_post(client, status, late))
    twiml(signed_post(client, status, done))  # and a plain repeat
    session.rollback()
    call = session.scalar(select(Call))
    assert call is not None
    assert (call.twilio_status, call.last_sequence, call.duration_seconds, call.outcome) == (
        "completed",
        3,
        171,
        "missed",
    )


def test_a_progress_event_without_sequence_never_reopens_a_closed_call(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    signed_post(client, INCOMING, fixture("voice-incoming-forwarded"))
    done = fixture("voice-status-completed")
    done.pop("SequenceNumber")
    twiml(signed_post(client, "/webhooks/voice/status", done))
    ringing = {**done, "CallStatus": "ringing"}
    twiml(signed_post(client, "/webhooks/voice/status", ringing))
    session.rollback()
    call = session.scalar(select(Call))
    assert call is not None and call.twilio_status == "completed"


def assert_fallback_dial(root: ET.Element, step: int, number: str) -> None:
    (dial,) = root.findall("Dial")
    assert dial.attrib == {
        "action": f"{VOICE}/fallback?step={step}",
        "timeout": "20",
        "answerOnBridge": "true",
    }
    assert dialled(root) == [number]
    assert dial[0].attrib == {}


@pytest.fixture
def database_down(tmp_path: Path) -> Iterator[Flask]:
    """The app pointed at a PostgreSQL that refuses connections (nothing listens on port 9)."""
    settings = load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
        overrides=test_overrides(
            "postgresql+psycopg://desk@127.0.0.1:9/desk?connect_timeout=2",
            tmp_path / "instance",
            fallback={"numbers": ["06 12 00 00 99", "+33612000098"]},
        ),
    )
    app = create_app(settings)
    yield app
    app.extensions["desk.db"].dispose()


def test_database_down_the_caller_is_put_through_to_the_fallback_numbers(
    database_down: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = database_down.test_client()
    root = twiml(signed_post(client, INCOMING, fixture("voice-incoming-forwarded")))
    assert tags(root) == ["Say", "Dial"]
    assert root[0].text is not None and root[0].text.startswith("Bonjour, nous ne pouvons pas")
    assert root[0].attrib == {"language": "fr-FR"}
    assert_fallback_dial(root, 1, "+33612000099")
    assert "CA5f1d2c3b4a59687766554433221100ff" in caplog.text

    nobody = fixture("voice-dial-result-no-answer")
    root = twiml(signed_post(client, "/webhooks/voice/fallback?step=1", nobody))
    assert tags(root) == ["Dial"]
    assert_fallback_dial(root, 2, "+33612000098")

    root = twiml(signed_post(client, "/webhooks/voice/fallback?step=2", nobody))
    assert tags(root) == ["Record"]
    assert root[0].attrib["action"] == f"{VOICE}/fallback?step=3"
    root = twiml(
        signed_post(client, "/webhooks/voice/fallback?step=3", fixture("voice-record-action"))
    )
    assert tags(root) == ["Hangup"]


def test_database_down_mid_call_a_dial_result_still_reaches_a_human(database_down: Flask) -> None:
    client = database_down.test_client()
    form = fixture("voice-dial-result-no-answer")
    root = twiml(signed_post(client, "/webhooks/voice/dial-result?step=1", form))
    assert_fallback_dial(root, 1, "+33612000099")


def test_database_down_a_secretary_who_pressed_1_is_still_bridged(database_down: Flask) -> None:
    client = database_down.test_client()
    form = fixture("voice-screen-gather")
    assert list(twiml(signed_post(client, "/webhooks/voice/screen-result", form))) == []


def test_database_down_a_forged_request_is_still_refused(database_down: Flask) -> None:
    client = database_down.test_client()
    response = client.post(INCOMING, data=fixture("voice-incoming-forwarded"))
    assert response.status_code == 403


def test_a_bug_in_routing_falls_back_and_writes_nothing(
    client: FlaskClient, at_lunch: datetime, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> Decision:
        raise RuntimeError("a bug")

    monkeypatch.setattr(new_call, "start_call", broken)
    root = twiml(signed_post(client, INCOMING, fixture("voice-incoming-forwarded")))
    assert_fallback_dial(root, 1, "+33612000099")
    assert count(session, WebhookReceipt) == 0


def test_without_fallback_numbers_the_fallback_records_a_message(
    app: Flask, client: FlaskClient
) -> None:
    settings = app.extensions["desk.settings"]
    values = {**settings.values, "fallback": {**settings.values["fallback"], "numbers": []}}
    app.extensions["desk.settings"] = type(settings)(values)
    root = twiml(
        signed_post(client, "/webhooks/voice/fallback", fixture("voice-incoming-forwarded"))
    )
    assert tags(root) == ["Say", "Record"]
    assert root[1].attrib["action"] == f"{VOICE}/fallback?step=1"
    assert root[1].attrib["recordingStatusCallback"] == f"{VOICE}/recording"


def test_a_callsid_known_on_one_clients_number_never_replays_it_on_another_number(
    client: FlaskClient, at_lunch: datetime
) -> None:
    form = fixture("voice-incoming-forwarded")
    first = signed_post(client, INCOMING, form)
    assert "Cabinet dentaire du Parc" in first.get_data(as_text=True)
    forged = signed_post(client, INCOMING, {**form, "To": "+33199009999"})
    body = forged.get_data(as_text=True)
    assert forged.status_code == 200 and forged.mimetype == "text/xml"
    assert "Cabinet dentaire du Parc" not in body
    assert "+336120000" not in body  # no secretary's number
    # Twilio's own retry (same number) still gets the first answer.
    assert signed_post(client, INCOMING, form).get_data(as_text=True) == first.get_data(
        as_text=True
    )


@pytest.mark.parametrize("step", ["²", "99999999999999999999", "-1", "x\r\ny"])
def test_the_fallback_route_answers_twiml_whatever_the_step(client: FlaskClient, step: str) -> None:
    path = f"/webhooks/voice/fallback?step={quote(step)}"
    response = signed_post(client, path, fixture("voice-incoming-forwarded"))
    assert response.status_code == 200
    assert ET.fromstring(response.get_data(as_text=True)).tag == "Response"


def test_a_nul_in_the_caller_number_is_dropped_and_the_call_recorded(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    """PostgreSQL refuses NUL in text: the caller still reaches the pair, the call is kept."""
    # Two such calls: Claire is being rung for the first, so the second rings Sophie.
    for n, number in enumerate([CLAIRE, SOPHIE]):
        form = fixture("voice-incoming-forwarded", From="+3314\x005678901", CallSid=f"CAnul{n}")
        assert dialled(twiml(signed_post(client, INCOMING, form))) == [number]
    session.rollback()
    callers = session.scalars(select(Call.caller).order_by(Call.id)).all()
    assert callers == ["+33145678901", "+33145678901"]

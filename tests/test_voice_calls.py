"""A caller's journey through the voice webhooks, TwiML checked element by element."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from desk.calls.live import accepted_call
from desk.models import Call, CallAttempt, Message
from tests.conftest import pin_clock
from tests.helpers.routing import (
    CLAIRE,
    INES,
    SOPHIE,
    VOICE,
    demo_client,
    dialled,
    paris,
    secretary,
    tags,
    twiml,
)
from tests.helpers.twilio import fixture, signed_post

SID = "CA5f1d2c3b4a59687766554433221100ff"
LUNCH = paris(2027, 3, 30, 12, 41)


@pytest.fixture
def at_lunch(app: Flask, demo: str) -> datetime:
    pin_clock(app, LUNCH)
    return LUNCH


def incoming(client: FlaskClient, **changes: str) -> TestResponse:
    return signed_post(
        client, "/webhooks/voice/incoming", fixture("voice-incoming-forwarded", **changes)
    )


def leg(number: str, n: int) -> str:
    return f"CAleg{n:02d}{number[-4:]}"


def screen(client: FlaskClient, number: str, n: int = 0) -> TestResponse:
    form = fixture("voice-screen-gather", CallSid=leg(number, n), To=number)
    for key in ("Digits", "FinishedOnKey", "msg"):
        form.pop(key)
    return signed_post(client, "/webhooks/voice/screen", form)


def press(client: FlaskClient, number: str, digits: str, n: int = 0) -> TestResponse:
    form = fixture("voice-screen-gather", CallSid=leg(number, n), To=number, Digits=digits)
    return signed_post(client, "/webhooks/voice/screen-result", form)


def dial_result(
    client: FlaskClient, step: int, status: str, bridged: bool = False, n: int = 0
) -> TestResponse:
    name = "voice-dial-result-completed" if bridged else "voice-dial-result-no-answer"
    form = fixture(name, DialCallStatus=status, DialCallSid=f"CAdial{step}{n}")
    return signed_post(client, f"/webhooks/voice/dial-result?step={step}", form)


def attempts(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(CallAttempt.number, CallAttempt.outcome)
        .join(Call)
        .where(Call.call_sid == SID)
        .order_by(CallAttempt.position, CallAttempt.id)
    ).all()
    return [(n, o) for n, o in rows]


def assert_dials(root: ET.Element, numbers: list[str], step: int) -> None:
    (dial,) = root.findall("Dial")
    assert dial.attrib == {
        "action": f"{VOICE}/dial-result?step={step}",
        "timeout": "20",
        "answerOnBridge": "true",
    }
    assert dialled(root) == numbers
    leg = {
        "url": f"{VOICE}/screen",
        "statusCallback": f"{VOICE}/leg-status",
        "statusCallbackEvent": "answered completed",
        "statusCallbackMethod": "POST",
    }
    assert [n.attrib for n in dial] == [leg] * len(numbers)


def test_a_lunch_call_greets_in_the_practices_name_and_rings_claire(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    root = twiml(incoming(client))
    assert tags(root) == ["Say", "Dial"]
    say = root[0]
    assert say.text == "Cabinet dentaire du Parc, bonjour. Nous vous mettons en relation."
    assert say.attrib == {"language": "fr-FR", "voice": "Polly.Lea"}
    assert_dials(root, [CLAIRE], 0)
    call = session.scalar(select(Call).where(Call.call_sid == SID))
    assert call is not None
    assert call.client_id == demo_client(session).id
    assert call.forwarded_from == "+33145000000"
    names = {
        s.id: s.name for s in map(lambda n: secretary(session, n), ["Claire", "Sophie", "Inès"])
    }
    assert [[names[i] for i in step] for step in call.plan] == [["Claire"], ["Sophie"], ["Inès"]]
    assert attempts(session) == [(CLAIRE, "ringing")]


def test_the_secretary_hears_which_practice_calls_and_is_asked_for_one_key(
    client: FlaskClient, at_lunch: datetime
) -> None:
    incoming(client)
    root = twiml(screen(client, CLAIRE))
    assert tags(root) == ["Gather", "Hangup"]
    gather = root[0]
    assert gather.attrib == {
        "action": f"{VOICE}/screen-result",
        "actionOnEmptyResult": "true",
        "numDigits": "1",
        "timeout": "6",
    }
    (say,) = gather
    assert say.text == "Appel pour Cabinet dentaire du Parc. Appuyez sur 1 pour prendre l'appel."


def test_pressing_1_bridges_her_and_pops_the_call_on_her_desk(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    incoming(client)
    screen(client, CLAIRE)
    root = twiml(press(client, CLAIRE, "1"))
    assert list(root) == []  # an empty response bridges the legs
    claire = secretary(session, "Claire")
    live = accepted_call(session, claire.id, at=LUNCH)
    assert live is not None and live.accepted_at == LUNCH
    call = session.get(Call, live.call_id)
    assert call is not None and call.call_sid == SID
    assert (call.handled_by_id, call.answered_at, call.outcome) == (claire.id, LUNCH, "answered")
    assert accepted_call(session, secretary(session, "Sophie").id, at=LUNCH) is None

    root = twiml(dial_result(client, 0, "completed", bridged=True))
    assert tags(root) == ["Hangup"]
    session.rollback()  # see what the webhooks committed since
    assert attempts(session) == [(CLAIRE, "accepted")]
    duration = session.scalar(select(CallAttempt.duration_seconds))
    assert duration == 142


def test_a_decline_rings_the_next_responder(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    incoming(client)
    screen(client, CLAIRE)
    assert tags(twiml(press(client, CLAIRE, "9"))) == ["Hangup"]
    root = twiml(dial_result(client, 0, "completed"))
    assert tags(root) == ["Dial"]  # no second greeting
    assert_dials(root, [SOPHIE], 1)
    assert attempts(session) == [(CLAIRE, "declined"), (SOPHIE, "ringing")]


def test_a_carrier_voicemail_that_presses_nothing_never_takes_the_call(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    incoming(client)
    screen(client, CLAIRE)  # her mobile's voicemail picked up the leg
    assert tags(twiml(press(client, CLAIRE, ""))) == ["Hangup"]
    assert_dials(twiml(dial_result(client, 0, "completed")), [SOPHIE], 1)
    assert attempts(session) == [(CLAIRE, "no-key"), (SOPHIE, "ringing")]
    call = session.scalar(select(Call))
    assert call is not None and call.handled_by_id is None


def test_when_nobody_answers_the_caller_leaves_a_voicemail_that_becomes_a_message(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    incoming(client)
    assert_dials(twiml(dial_result(client, 0, "no-answer")), [SOPHIE], 1)
    assert_dials(twiml(dial_result(client, 1, "busy")), [INES], 2)
    root = twiml(dial_result(client, 2, "no-answer"))
    assert tags(root) == ["Say", "Record"]
    assert (
        root[0].text == "Nos secrétaires sont toutes en ligne. Laissez votre message après le bip."
    )
    assert root[1].attrib == {
        "action": f"{VOICE}/voicemail",
        "finishOnKey": "#",
        "maxLength": "180",
        "playBeep": "true",
        "recordingStatusCallback": f"{VOICE}/recording",
    }
    assert attempts(session) == [(CLAIRE, "no-answer"), (SOPHIE, "busy"), (INES, "no-answer")]

    root = twiml(signed_post(client, "/webhooks/voice/voicemail", fixture("voice-record-action")))
    assert tags(root) == ["Say", "Hangup"]
    twiml(signed_post(client, "/webhooks/voice/recording", fixture("voice-recording-status")))
    twiml(signed_post(client, "/webhooks/voice/status", fixture("voice-status-completed")))

    session.rollback()  # see what the webhooks committed since
    message = session.scalar(select(Message))
    assert message is not None
    call = session.scalar(select(Call))
    assert call is not None
    assert (message.call_id, message.source, message.caller_number) == (
        call.id,
        "voicemail",
        "+33145678901",
    )
    assert message.recording_url == fixture("voice-record-action")["RecordingUrl"]
    assert session.scalar(select(func.count()).select_from(Message)) == 1
    assert (call.outcome, call.recording_duration, call.duration_seconds) == ("voicemail", 23, 171)


def test_the_pair_is_rung_in_one_dial(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    demo_client(session).ring_pair_together = True
    session.commit()
    assert_dials(twiml(incoming(client)), [CLAIRE, SOPHIE], 0)
    screen(client, CLAIRE)
    screen(client, SOPHIE)
    assert list(twiml(press(client, SOPHIE, "1"))) == []
    # Claire pressed 1 a moment later: Sophie already has the caller.
    assert tags(twiml(press(client, CLAIRE, "1"))) == ["Hangup"]
    assert tags(twiml(dial_result(client, 0, "completed", bridged=True))) == ["Hangup"]
    call = session.scalar(select(Call))
    assert call is not None and call.handled_by_id == secretary(session, "Sophie").id


def test_after_hours_the_caller_hears_the_practices_message_then_records(
    client: FlaskClient, app: Flask, demo: str, session: Session
) -> None:
    pin_clock(app, paris(2027, 3, 30, 20))
    root = twiml(incoming(client))
    assert tags(root) == ["Say", "Record"]
    assert root[0].text == demo_client(session).after_hours_message
    assert root[1].attrib["action"] == f"{VOICE}/voicemail"
    call = session.scalar(select(Call))
    assert call is not None and (call.outcome, call.plan) == ("after-hours", [])


def test_after_hours_in_voicemail_mode_records_at_once(
    client: FlaskClient, app: Flask, demo: str, session: Session
) -> None:
    demo_client(session).after_hours_mode = "voicemail"
    session.commit()
    pin_clock(app, paris(2027, 3, 29, 12, 30))  # Easter Monday, a holiday: closed
    assert tags(twiml(incoming(client))) == ["Record"]


def test_a_number_that_is_not_ours_is_politely_not_in_service(
    client: FlaskClient, at_lunch: datetime, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    root = twiml(incoming(client, To="+33199009999", Called="+33199009999"))
    assert tags(root) == ["Say", "Hangup"]
    assert root[0].text == "Le numéro que vous avez composé n'est pas en service. Au revoir."
    assert "+33199009999" in caplog.text
    call = session.scalar(select(Call))
    assert call is not None and (call.client_id, call.outcome) == (None, "not-in-service")


def test_a_withheld_caller_is_routed_like_any_other(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    form = fixture("voice-incoming-withheld")
    assert_dials(twiml(signed_post(client, "/webhooks/voice/incoming", form)), [CLAIRE], 0)
    call = session.scalar(select(Call))
    assert call is not None and call.caller == "anonymous"


def test_a_call_nobody_answered_and_no_message_closes_as_missed(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    incoming(client)
    twiml(signed_post(client, "/webhooks/voice/status", fixture("voice-status-completed")))
    call = session.scalar(select(Call))
    assert call is not None
    assert (call.outcome, call.twilio_status, call.ended_at) == ("missed", "completed", LUNCH)


def test_the_simulated_time_is_honoured_only_by_the_console_provider(
    client: FlaskClient, app: Flask, demo: str, session: Session
) -> None:
    pin_clock(app, paris(2027, 3, 30, 22))
    evening = paris(2027, 3, 30, 18, 30).isoformat()
    root = twiml(incoming(client, DeskSimulatedTime=evening))
    assert_dials(root, [SOPHIE], 0)

"""Twilio's side of a call, one webhook at a time, for any CallSid (presence, queue tests).

Every helper signs its form as Twilio would and returns the response; legs are named
after the parent call and the number rung, so tests can play several calls at once.
"""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers.twilio import fixture, signed_post

VOICE_PATH = "/webhooks/voice"


def leg_sid(parent: str, number: str, n: int = 0) -> str:
    return f"CAleg{parent[-6:]}{number[-4:]}{n:02d}"


def incoming(client: FlaskClient, parent: str, caller: str = "+33145678901") -> TestResponse:
    form = fixture("voice-incoming-forwarded", CallSid=parent, From=caller, Caller=caller)
    return signed_post(client, f"{VOICE_PATH}/incoming", form)


def screen(client: FlaskClient, parent: str, number: str, n: int = 0) -> TestResponse:
    form = fixture(
        "voice-screen-gather", CallSid=leg_sid(parent, number, n), ParentCallSid=parent, To=number
    )
    for key in ("Digits", "FinishedOnKey", "msg"):
        form.pop(key)
    return signed_post(client, f"{VOICE_PATH}/screen", form)


def press(client: FlaskClient, parent: str, number: str, digits: str, n: int = 0) -> TestResponse:
    form = fixture(
        "voice-screen-gather",
        CallSid=leg_sid(parent, number, n),
        ParentCallSid=parent,
        To=number,
        Digits=digits,
    )
    return signed_post(client, f"{VOICE_PATH}/screen-result", form)


def leg_status(
    client: FlaskClient, parent: str, number: str, status: str, sequence: int, n: int = 0
) -> TestResponse:
    name = "voice-leg-status-completed" if status != "in-progress" else "voice-leg-status-answered"
    form = fixture(
        name,
        CallSid=leg_sid(parent, number, n),
        ParentCallSid=parent,
        To=number,
        Called=number,
        CallStatus=status,
        SequenceNumber=str(sequence),
    )
    return signed_post(client, f"{VOICE_PATH}/leg-status", form)


def dial_result(
    client: FlaskClient, parent: str, step: int, status: str, bridged: bool = False, n: int = 0
) -> TestResponse:
    name = "voice-dial-result-completed" if bridged else "voice-dial-result-no-answer"
    form = fixture(name, CallSid=parent, DialCallStatus=status, DialCallSid=f"CAdial{step}{n}")
    return signed_post(client, f"{VOICE_PATH}/dial-result?step={step}", form)


def call_status(client: FlaskClient, parent: str, status: str, sequence: int = 9) -> TestResponse:
    form = fixture(
        "voice-status-completed", CallSid=parent, CallStatus=status, SequenceNumber=str(sequence)
    )
    return signed_post(client, f"{VOICE_PATH}/status", form)

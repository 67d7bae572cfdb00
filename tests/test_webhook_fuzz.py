"""Hypothesis: every webhook, signed, with odd forms: always 2xx/4xx, voice always TwiML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.twilio import signed_post

VOICE = [
    "incoming",
    "screen",
    "screen-result",
    "dial-result",
    "voicemail",
    "recording",
    "status",
    "fallback",
]
SMS = ["incoming", "status"]
FIELDS = [
    "CallSid",
    "ParentCallSid",
    "To",
    "From",
    "ForwardedFrom",
    "Digits",
    "DialCallStatus",
    "DialCallSid",
    "DialCallDuration",
    "DialBridged",
    "CallStatus",
    "CallDuration",
    "SequenceNumber",
    "RecordingUrl",
    "RecordingSid",
    "RecordingDuration",
    "MessageSid",
    "SmsSid",
    "MessageStatus",
    "Body",
    "ErrorCode",
]
ODD = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "²",
            "٣",
            "-1",
            "99999999999999999999",
            "\x00",
            "CA" + "f" * 200,
            "+33612000001",
            "+33 1 84 80 00 01",
            "completed",
            "no-answer",
            "true",
            "1",
            "9999-12-31T23:45-14:00",
            "a\r\nb",
        ]
    ),
)
FORMS = st.dictionaries(st.sampled_from(FIELDS), ODD, max_size=8)
STEPS = st.one_of(st.none(), ODD)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _path(kind: str, name: str, step: str | None, outbox: str | None) -> str:
    from urllib.parse import urlencode

    query = {}
    if step is not None:
        query["step"] = step
    if outbox is not None:
        query["outbox"] = outbox
    return f"/webhooks/{kind}/{name}" + (f"?{urlencode(query)}" if query else "")


@FUZZ
@given(name=st.sampled_from(VOICE), form=FORMS, step=STEPS)
def test_every_voice_webhook_answers_twiml_whatever_the_form(
    client: FlaskClient, demo: str, name: str, form: dict[str, str], step: str | None
) -> None:
    response = signed_post(client, _path("voice", name, step, None), form)
    assert response.status_code < 500
    if response.status_code == 200:
        assert response.mimetype == "text/xml"
        assert ET.fromstring(response.get_data(as_text=True)).tag == "Response"
    else:
        assert 400 <= response.status_code < 500


@FUZZ
@given(name=st.sampled_from(SMS), form=FORMS, outbox=STEPS)
def test_every_sms_webhook_answers_2xx_or_4xx_whatever_the_form(
    client: FlaskClient, demo: str, name: str, form: dict[str, str], outbox: str | None
) -> None:
    response = signed_post(client, _path("sms", name, None, outbox), form)
    assert 200 <= response.status_code < 500, response.get_data(as_text=True)[:300]

"""A twin delivery that writes between `incoming`'s reads and its insert.

A twin of the same call may commit its Call while `incoming` reads (it reads before it
takes SQLite's write lock, and PostgreSQL has none): it must still get one Call and the
same answer, never the fallback TwiML. The Call, unique by CallSid, is the first webhook's
receipt: a repeated delivery gets the same bytes and writes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.calls import new_call
from desk.models import Absence, Call, CallAttempt, Secretary, WebhookReceipt
from tests.conftest import pin_clock
from tests.helpers.routing import CLAIRE, dialled, paris, tags, twiml
from tests.helpers.twilio import fixture, signed_post
from webhooks.twiml import VoiceConfig, for_decision

LUNCH = paris(2027, 3, 30, 12, 41)
INCOMING = "/webhooks/voice/incoming"
TWIN_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>twin</Say></Response>'


def count(session: Session, model: type) -> int:
    session.rollback()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def twin_wins_after_the_reads(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first lookup reads, then a twin commits its Call elsewhere; the twin's answer
    is put in the list returned."""
    lookup = new_call.client_on_number
    db = app.extensions["desk.db"]
    answers: list[str] = []
    call_sid = fixture("voice-incoming-forwarded")["CallSid"]

    def stale_lookup(session: Session, sid: str, to: str, at: datetime) -> list[Any]:
        found = lookup(session, sid, to, at)
        monkeypatch.setattr(new_call, "client_on_number", lookup)
        with db.session() as other:
            arrival = new_call.look_up(
                other, call_sid=call_sid, to=to, caller="+33145678901", forwarded_from=None, at=at
            )
            decision = new_call.start_call(other, arrival)
            answers.append(
                for_decision(decision, VoiceConfig.from_settings(app.extensions["desk.settings"]))
            )
        return found

    monkeypatch.setattr(new_call, "client_on_number", stale_lookup)
    return answers


def test_a_twin_that_wins_after_the_reads_is_answered_as_the_twin_was(
    app: Flask, client: FlaskClient, demo: str, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_clock(app, LUNCH)
    twin = twin_wins_after_the_reads(app, monkeypatch)
    response = signed_post(client, INCOMING, fixture("voice-incoming-forwarded"))
    assert dialled(twiml(response)) == [CLAIRE]  # the call's own plan, not the fallback
    assert [response.data.decode()] == twin
    assert (count(session, Call), count(session, CallAttempt)) == (1, 1)
    assert count(session, WebhookReceipt) == 0  # the Call is the first webhook's receipt


def everyone_absent(session: Session) -> None:
    for secretary_id in session.scalars(select(Secretary.id)):
        session.add(
            Absence(secretary_id=secretary_id, starts_at=LUNCH, ends_at=LUNCH + timedelta(hours=1))
        )
    session.commit()


CASES = {
    "dial": (LUNCH, {}, "Dial"),
    "after-hours": (paris(2027, 3, 30, 21, 0), {}, "Record"),
    "not-in-service": (LUNCH, {"To": "+33199999999"}, "Hangup"),
    "voicemail": (LUNCH, {}, "Record"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_repeated_first_webhook_gets_the_same_answer_and_writes_nothing(
    app: Flask, client: FlaskClient, demo: str, session: Session, case: str
) -> None:
    at, changes, last = CASES[case]
    pin_clock(app, at)
    if case == "voicemail":
        everyone_absent(session)
    form = fixture("voice-incoming-forwarded", **changes)
    first = signed_post(client, INCOMING, form)
    assert tags(twiml(first))[-1] == last
    rows = (count(session, Call), count(session, CallAttempt), count(session, WebhookReceipt))
    again = signed_post(client, INCOMING, form)
    assert again.data == first.data
    assert (
        count(session, Call),
        count(session, CallAttempt),
        count(session, WebhookReceipt),
    ) == rows

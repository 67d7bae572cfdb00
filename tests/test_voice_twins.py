"""A twin delivery that writes between `incoming`'s reads and its write lock.

`incoming` reads and decides before taking SQLite's write lock (`begin_read_first`);
a twin of the same call that commits in between must still get one Call and the same
answer, never the fallback TwiML.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

from desk.base.clock import system_now
from desk.calls import incoming as routing_incoming
from desk.calls import routing
from desk.models import Call, CallAttempt, WebhookReceipt
from tests.conftest import pin_clock
from tests.routing_helpers import CLAIRE, dialled, paris, twiml
from tests.twilio import fixture, signed_post

LUNCH = paris(2027, 3, 30, 12, 41)
INCOMING = "/webhooks/voice/incoming"
TWIN_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>twin</Say></Response>'


def count(session: Session, model: type) -> int:
    session.rollback()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def twin_wins_after_the_reads(
    app: Flask, monkeypatch: pytest.MonkeyPatch, receipt_key: str | None
) -> None:
    """The first lookup reads, then a twin commits its Call (and its receipt) elsewhere."""
    lookup = routing_incoming.lookup
    db = app.extensions["desk.db"]

    def stale_lookup(
        conn: Connection, call_sid: str, to: str, at: datetime
    ) -> routing_incoming.Lookup:
        found = lookup(conn, call_sid, to, at)
        monkeypatch.setattr(routing_incoming, "lookup", lookup)
        with db.session() as other:
            routing.start_call(
                other, call_sid=call_sid, to=to, caller="+33145678901", forwarded_from=None, at=at
            )
            if receipt_key is not None:
                other.connection().execute(
                    insert(WebhookReceipt),
                    {"key": receipt_key, "response": TWIN_TWIML, "created_at": system_now()},
                )
        return found

    monkeypatch.setattr(routing_incoming, "lookup", stale_lookup)


def test_a_twin_with_the_same_key_wins_and_its_answer_is_replayed(
    app: Flask, client: FlaskClient, demo: str, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_clock(app, LUNCH)
    form = fixture("voice-incoming-forwarded")
    twin_wins_after_the_reads(app, monkeypatch, f"{INCOMING}#{form['CallSid']}|{form['To']}")
    response = signed_post(client, INCOMING, form)
    assert response.data.decode() == TWIN_TWIML
    assert (count(session, Call), count(session, CallAttempt)) == (1, 1)
    assert count(session, WebhookReceipt) == 1


def test_a_twin_with_another_token_wins_and_the_call_is_replayed(
    app: Flask, client: FlaskClient, demo: str, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_clock(app, LUNCH)
    form = fixture("voice-incoming-forwarded")
    twin_wins_after_the_reads(app, monkeypatch, None)
    response = signed_post(client, INCOMING, form)
    assert dialled(twiml(response)) == [CLAIRE]  # the call's own plan, not the fallback
    assert (count(session, Call), count(session, CallAttempt)) == (1, 1)

"""Helpers for the web desk's tests: another tenant, the demo's ids, posting with a token."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base import events
from desk.base.db import Database
from desk.models import (
    Call,
    CallAttempt,
    Client,
    CoverageWindow,
    DeskNumber,
    Secretary,
    Shift,
    Training,
)
from desk.models.states import AttemptOutcome
from tests.helpers.database import demo_id as demo_id  # re-exported for the web tests

LOGINS = {
    "admin": "admin@permanence.test",
    "secretary": "claire@permanence.test",
    "client": "accueil@cabinet-du-parc.test",
}


def other_tenant(db: Database) -> int:
    """A second client nobody of the demo is trained for (with its own secretary and shift)."""
    with db.session() as s:
        other = Client(slug="autre-cabinet", name="Autre cabinet", greeting="Autre cabinet.")
        s.add(other)
        s.flush()
        s.add(DeskNumber(client_id=other.id, number="+33199009999"))
        s.add(
            CoverageWindow(
                client_id=other.id, weekdays="01234", start_local=time(9), end_local=time(17)
            )
        )
        nadia = Secretary(name="Nadia", phone="+33612000077")
        s.add(nadia)
        s.flush()
        s.add(Training(secretary_id=nadia.id, client_id=other.id))
        s.add(
            Shift(
                secretary_id=nadia.id,
                client_id=other.id,
                weekdays="01234",
                start_local=time(9),
                end_local=time(17),
            )
        )
        return other.id


def secretary_id(session: Session, name: str) -> int:
    found = session.scalar(select(Secretary.id).where(Secretary.name == name))
    assert found is not None
    return found


def demo_call(
    db: Database,
    *,
    sid: str,
    at: datetime,
    caller: str = "+33612345678",
    accepted_by: str | None = None,
    accepted_at: datetime | None = None,
) -> int:
    """A call to the demo's desk number; with `accepted_by` (a secretary's name), what the
    voice webhooks write and publish when she presses 1 (at `accepted_at`, else `at`):
    her open pages are told, as by `desk.calls.routing`. Its id."""
    with db.session() as s:
        call = Call(
            call_sid=sid,
            client_id=demo_id(s),
            to_number="+33199001234",
            caller=caller,
            started_at=at,
        )
        s.add(call)
        s.flush()
        if accepted_by is not None:
            secretary = s.scalar(select(Secretary).where(Secretary.name == accepted_by))
            assert secretary is not None
            s.add(
                CallAttempt(
                    call_id=call.id,
                    position=0,
                    secretary_id=secretary.id,
                    number=secretary.phone,
                    started_at=accepted_at or at,
                    accepted_at=accepted_at or at,
                    outcome=AttemptOutcome.ACCEPTED,
                )
            )
            events.publish(s, "call-accepted", call_id=call.id, secretary_id=secretary.id)
        return call.id


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None) -> Any:
    """POST a form with a valid CSRF token (the page must have been visited once)."""
    client.get("/desk/login")
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client)})


def csrf_token(client: FlaskClient) -> str:
    from flask import session as flask_session

    with client.session_transaction() as sess:
        token = sess.get("csrf_token")
    if token is None:
        return ""
    # Flask-WTF keeps the raw token in the session and signs it for forms.
    with client.application.test_request_context():
        flask_session["csrf_token"] = token
        from flask_wtf.csrf import generate_csrf

        return str(generate_csrf())

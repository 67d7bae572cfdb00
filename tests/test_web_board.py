"""En direct: each secretary's state and for how long, each held caller and her wait;
admins see the whole desk, a secretary the clients she serves."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from desk.base import events
from desk.base.db import Database
from desk.models import Call, WaitingCall
from tests.conftest import AuthActions, pin_clock
from tests.helpers.html import Element, elements
from tests.helpers.routing import CLAIRE, paris, secretary
from tests.helpers.voice_steps import incoming, press, screen
from tests.helpers.web import LOGINS, other_tenant

LUNCH = paris(2027, 3, 30, 12, 41)
SID = "CA" + "f" * 32


def rows(page: str, section: str) -> list[Element]:
    return [e for e in elements(page) if e.tag == "tr" and e.within(section) and e.attrs]


@pytest.fixture
def claire_on_a_call(app: Flask, client: FlaskClient, demo: str) -> None:
    pin_clock(app, LUNCH)
    incoming(client, SID)
    screen(client, SID, CLAIRE)
    press(client, SID, CLAIRE, "1")
    pin_clock(app, LUNCH + timedelta(seconds=95))


def hold_for_other_client(db: Database, session: Session, since: datetime) -> int:
    other = other_tenant(db)
    call = Call(
        call_sid="CA" + "9" * 32, client_id=other, to_number="+33199009999",
        caller="+33145000001", started_at=since, plan=[],
    )  # fmt: skip
    session.add(call)
    session.flush()
    session.add(WaitingCall(call_id=call.id, client_id=other, since=since))
    session.commit()
    return other


def test_the_admin_sees_claire_on_a_call_for_95_seconds_and_the_held_caller(
    client: FlaskClient, auth: AuthActions, claire_on_a_call: None, db: Database, session: Session
) -> None:
    other = hold_for_other_client(db, session, LUNCH - timedelta(seconds=30))
    auth.login(LOGINS["admin"])
    page = client.get("/desk/now").get_data(as_text=True)
    people = {r.attrs["data-secretary"]: r for r in rows(page, "secretaries")}
    claire = people[str(secretary(session, "Claire").id)]
    assert (claire.attrs["data-state"], claire.attrs["data-seconds"]) == ("on_call", "95")
    assert "En ligne" in claire.text and "1:35" in claire.text
    sophie = people[str(secretary(session, "Sophie").id)]
    assert sophie.attrs["data-state"] == "available"
    (held,) = rows(page, "held")
    assert (held.attrs["data-client"], held.attrs["data-seconds"]) == (str(other), "125")


def test_a_secretary_sees_only_the_clients_she_serves(
    client: FlaskClient, auth: AuthActions, claire_on_a_call: None, db: Database, session: Session
) -> None:
    hold_for_other_client(db, session, LUNCH)
    auth.login(LOGINS["secretary"])
    page = client.get("/desk/now").get_data(as_text=True)
    assert rows(page, "held") == []  # not her client
    names = {" ".join(r.text.split()).split(" ")[0] for r in rows(page, "secretaries")}
    assert "Nadia" not in names and "Claire" in names


def test_the_board_stream_says_changed_when_a_call_is_accepted(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, LUNCH)
    listener = events.listen(db.url)
    if listener is not None:
        assert listener.ready.wait(5)
    try:
        auth.login(LOGINS["admin"])
        response = client.get("/desk/board/stream", buffered=False)
        assert response.mimetype == "text/event-stream"
        chunks = iter(response.response)
        assert next(chunks).startswith(b"retry:")
        twilio = app.test_client()  # Twilio's side, while the page listens
        incoming(twilio, SID)
        deadline = time.monotonic() + 5
        seen = b""
        while b"event: changed" not in seen and time.monotonic() < deadline:
            seen += next(chunks)
        assert b"event: changed\ndata: presence" in seen
        response.close()
    finally:
        events.stop_listening()

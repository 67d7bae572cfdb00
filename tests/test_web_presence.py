"""Her state in the desk's header; a break taken by herself, or set by an admin."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from desk.calls import presence
from desk.models import Presence
from desk.models.states import PresenceState
from tests.conftest import AuthActions, pin_clock
from tests.helpers.html import by_id, inside
from tests.helpers.routing import CLAIRE, SOPHIE, dialled, paris, secretary, twiml
from tests.helpers.voice_steps import incoming
from tests.helpers.web import LOGINS, post

LUNCH = paris(2027, 3, 30, 12, 41)


@pytest.fixture
def at_lunch(app: Flask, demo: str) -> datetime:
    pin_clock(app, LUNCH)
    return LUNCH


def header(client: FlaskClient) -> tuple[str, str, list[str]]:
    """Her state as the header shows it: data-state, the words, the shown buttons' actions."""
    page = client.get("/desk/now").get_data(as_text=True)
    form = by_id(page, "my-presence")
    assert form is not None
    (label,) = [e for e in inside(page, "my-presence", "span")]
    shown = [b for b in inside(page, "my-presence", "button") if "hidden" not in b.attrs]
    buttons = [b.attrs["value"] for b in shown]
    return form.attrs["data-state"], label.text.strip(), buttons


def state_of(session: Session, name: str) -> PresenceState:
    session.rollback()
    row = session.get(Presence, secretary(session, name).id, populate_existing=True)
    return presence.effective_state(row, LUNCH)


def test_claire_takes_a_break_and_the_next_call_rings_sophie(
    client: FlaskClient, auth: AuthActions, at_lunch: datetime, session: Session
) -> None:
    auth.login(LOGINS["secretary"])
    assert header(client) == ("available", "Disponible", ["start"])
    post(client, "/desk/presence/break", {"action": "start", "next": "/desk/now"})
    assert header(client) == ("on_break", "En pause", ["end"])
    assert dialled(twiml(incoming(client, "CA" + "b" * 32))) == [SOPHIE]
    post(client, "/desk/presence/break", {"action": "end", "next": "/desk/now"})
    assert header(client) == ("available", "Disponible", ["start"])
    assert dialled(twiml(incoming(client, "CA" + "c" * 32))) == [CLAIRE]
    # Being rung, the button is there but disabled: the caller comes first.
    page = client.get("/desk/now").get_data(as_text=True)
    (button,) = [b for b in inside(page, "my-presence", "button") if "hidden" not in b.attrs]
    assert button.attrs["value"] == "start" and "disabled" in button.attrs
    response = post(client, "/desk/presence/break", {"action": "start", "next": "/desk/now"})
    assert response.status_code == 302
    assert state_of(session, "Claire") == PresenceState.RINGING


def test_an_admin_puts_sophie_on_a_break_and_ends_it(
    client: FlaskClient, auth: AuthActions, at_lunch: datetime, session: Session
) -> None:
    sophie = secretary(session, "Sophie").id
    auth.login(LOGINS["admin"])
    page = client.get(f"/desk/people/{sophie}").get_data(as_text=True)
    (form,) = inside(page, "presence", "form")
    assert form.attrs["data-state"] == "available"
    post(client, "/desk/presence/break", {"action": "start", "secretary_id": str(sophie)})
    assert state_of(session, "Sophie") == PresenceState.ON_BREAK
    page = client.get(f"/desk/people/{sophie}").get_data(as_text=True)
    (form,) = inside(page, "presence", "form")
    assert form.attrs["data-state"] == "on_break"
    post(client, "/desk/presence/break", {"action": "end", "secretary_id": str(sophie)})
    assert state_of(session, "Sophie") == PresenceState.AVAILABLE


def test_a_secretary_cannot_put_another_on_a_break(
    client: FlaskClient, auth: AuthActions, at_lunch: datetime, session: Session
) -> None:
    sophie = secretary(session, "Sophie").id
    auth.login(LOGINS["secretary"])
    response = post(
        client, "/desk/presence/break", {"action": "start", "secretary_id": str(sophie)}
    )
    assert response.status_code == 403
    assert state_of(session, "Sophie") == PresenceState.AVAILABLE

"""Callbacks asked for from the queue: on Aujourd'hui and the client's page, done or not,
with who did it; only for the clients she may see."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.models import Callback
from tests.conftest import AuthActions, pin_clock
from tests.helpers.html import Element, elements
from tests.helpers.routing import demo_client, paris
from tests.helpers.web import LOGINS, other_tenant, post

LUNCH = paris(2027, 3, 30, 12, 41)


@pytest.fixture
def asked(app: Flask, demo: str, session: Session) -> int:
    pin_clock(app, LUNCH)
    callback = Callback(
        client_id=demo_client(session).id, number="+33145678901", requested_at=LUNCH
    )
    session.add(callback)
    session.commit()
    return callback.id


def listed(client: FlaskClient, path: str) -> dict[str, Element]:
    """The callbacks listed on the page, by id."""
    page = client.get(path).get_data(as_text=True)
    return {
        e.attrs["data-callback"]: e
        for e in elements(page)
        if e.tag == "li" and "data-callback" in e.attrs and e.within("callbacks")
    }


def test_claire_sees_the_callback_and_marks_it_done_then_not_done(
    client: FlaskClient, auth: AuthActions, asked: int, session: Session
) -> None:
    auth.login(LOGINS["secretary"])
    (row,) = listed(client, "/desk/").values()
    assert row.attrs["data-done"] == "no"
    assert "+33 1 45 67 89 01" in row.text or "01 45 67 89 01" in row.text
    post(client, f"/desk/callbacks/{asked}", {"action": "done", "next": "/desk/"})
    (row,) = listed(client, "/desk/").values()
    assert row.attrs["data-done"] == "yes"
    assert "Rappelé par Claire Dubois à 12:41" in " ".join(row.text.split())
    # The client's page lists it too, done.
    client_id = demo_client(session).id
    (row,) = listed(client, f"/desk/clients/{client_id}").values()
    assert row.attrs["data-done"] == "yes"
    post(client, f"/desk/callbacks/{asked}", {"action": "undo"})
    (row,) = listed(client, "/desk/").values()
    assert row.attrs["data-done"] == "no"
    session.rollback()
    callback = session.get(Callback, asked, populate_existing=True)
    assert callback is not None and (callback.done_at, callback.done_by_id) == (None, None)


def test_a_callback_of_a_client_she_does_not_serve_is_neither_shown_nor_marked(
    client: FlaskClient, auth: AuthActions, asked: int, db: Database, session: Session
) -> None:
    other = other_tenant(db)
    theirs = Callback(client_id=other, number="+33145000001", requested_at=LUNCH)
    session.add(theirs)
    session.commit()
    auth.login(LOGINS["secretary"])
    assert list(listed(client, "/desk/")) == [str(asked)]
    assert post(client, f"/desk/callbacks/{theirs.id}", {"action": "done"}).status_code == 404


def test_the_practice_itself_cannot_mark_callbacks(
    client: FlaskClient, auth: AuthActions, asked: int
) -> None:
    auth.login(LOGINS["client"])
    assert post(client, f"/desk/callbacks/{asked}", {"action": "done"}).status_code == 403


def test_no_callback_says_so(client: FlaskClient, auth: AuthActions, app: Flask, demo: str) -> None:
    pin_clock(app, LUNCH)
    auth.login(LOGINS["secretary"])
    assert listed(client, "/desk/") == {}

"""On a Sunday the planning pages (booking, agenda, rota, staffing) open on the coming
week, not on the week just ended; on other days on this week."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions, pin_clock
from tests.helpers.html import page
from tests.helpers.routing import paris
from tests.helpers.web import LOGINS

PAGES = {
    "booking": ("/desk/book?client_id={own}", '//input[@name="week"]/@value'),
    "agenda": ("/desk/calendar?client_id={own}", '//input[@id="cal-week"]/@value'),
    "rota": ("/desk/rota/?client={own}", '//input[@id="rota-week"]/@value'),
    "staffing": ("/desk/reports/staffing", '//input[@id="staffing-week"]/@value'),
}


@pytest.mark.parametrize(
    ("today", "opens_on"),
    [
        (paris(2027, 3, 21, 10, 0), "2027-03-22"),  # Sunday: the coming Monday
        (paris(2027, 3, 21, 23, 30), "2027-03-22"),  # Sunday night, Monday already in UTC
        (paris(2027, 3, 20, 10, 0), "2027-03-15"),  # Saturday: this week still
        (paris(2027, 3, 22, 8, 0), "2027-03-22"),  # Monday
    ],
)
def test_the_planning_pages_open_on_the_week_to_plan(
    app: Flask, client: FlaskClient, auth: AuthActions, own: int, today: object, opens_on: str
) -> None:
    pin_clock(app, today)  # type: ignore[arg-type]
    auth.login(LOGINS["admin"])
    opened = {}
    for name, (path, xpath) in PAGES.items():
        response = client.get(path.format(own=own))
        assert response.status_code == 200, name
        opened[name] = [str(v) for v in page(response).xpath(xpath)][:1]
    assert opened == {name: [opens_on] for name in PAGES}

"""How the desk writes numbers and dates: 06 12 34 56 78, +441632960961, the year when not
this year."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from desk.base.db import Database
from desk.web.filters import localtime, phone
from tests.conftest import AuthActions, pin_clock
from tests.helpers.web import LOGINS, demo_call

NOW = datetime(2027, 1, 5, 10, 0, tzinfo=UTC)


def test_french_numbers_in_national_form_others_in_e164() -> None:
    assert phone("+33612345678") == "06 12 34 56 78"
    assert phone("+441632960961") == "+441632960961"
    assert phone("anonymous") == "anonymous"
    assert phone(None) == ""


def test_a_date_of_another_year_carries_its_year(app: Flask) -> None:
    pin_clock(app, NOW)
    with app.app_context():
        assert localtime(datetime(2027, 1, 4, 9, tzinfo=UTC)) == "04/01 10:00"
        assert localtime(datetime(2026, 12, 30, 9, tzinfo=UTC)) == "30/12/2026 10:00"
        assert localtime(datetime(2026, 12, 30, 9, tzinfo=UTC), fmt="%H:%M") == "10:00"


def test_the_call_log_of_last_december_shows_the_year_and_national_numbers(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    demo_call(db, sid="CA-dec", at=datetime(2026, 12, 30, 9, tzinfo=UTC), caller="+33698765432")
    auth.login(LOGINS["admin"])
    page = client.get("/desk/calls/").get_data(as_text=True)
    assert "30/12/2026" in page and "06 98 76 54 32" in page

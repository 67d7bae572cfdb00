"""The Simulator page's lunch-rush rehearsal: the form, its errors next to the fields, and
the rehearsal's table beside Erlang A's (HTML parsed)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml.html import HtmlElement

from desk.base.db import Database
from desk.base.errors import DomainError
from desk.base.words import gettext_for, say, word
from tests.conftest import AuthActions, pin_clock
from tests.helpers.database import rows_per_table
from tests.helpers.html import one, page, texts
from tests.helpers.routing import paris
from tests.helpers.web import LOGINS, post

NOW = paris(2027, 3, 29, 9, 0)  # Easter Monday morning, a holiday the demo practice is closed
FORM = {
    "client": "cabinet-du-parc",
    "calls": "8",
    "minutes": "10",
    "talk": "120",
    "patience": "120",
    "secretaries": "",
    "at": "",
    "queue": "y",
}
FR = gettext_for("fr")


def rush(client: FlaskClient, **changes: Any) -> Any:
    return post(client, "/desk/simulator/rush", {**FORM, **changes})


def error_of(root: HtmlElement, name: str) -> list[str]:
    return texts(root, f'//*[@name="{name}"]/ancestor::p[1]//span[@class="error"]')


def test_an_admin_rehearses_the_lunch_rush_and_reads_the_table(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    auth.login(LOGINS["admin"])
    before = rows_per_table(db)
    shown = page(client.get("/desk/simulator"))
    assert one(shown, '//form[@id="rush-form"]//select[@name="client"]') is not None
    done = rush(client)
    assert done.status_code == 200
    root = page(done)
    rows = {
        row.xpath("string(th)"): [td.text_content() for td in row.xpath("td")]
        for row in root.xpath('//div[@id="rush"]//tbody/tr')
    }
    assert rows[FR("Calls")] == ["8", "8"]
    answered, predicted = rows[FR("Answered")]
    abandoned = rows[FR("Abandoned")][0]
    voicemails = rows[FR("Voicemails")][0]
    assert int(answered) + int(abandoned) + int(voicemails) == 8
    assert 0 <= float(predicted.replace(",", ".")) <= 8  # French decimals
    # No time given: the next covered lunch hour of a weekday, Tuesday's noon (summer time).
    assert one(root, '//div[@id="rush"]').get("data-at") == "2027-03-30T10:00:00+00:00"
    assert rows_per_table(db) == before


def test_the_form_says_what_is_wrong_next_to_the_field(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    auth.login(LOGINS["admin"])
    refused = rush(client, calls="0")
    assert refused.status_code == 400
    root = page(refused)
    assert error_of(root, "calls") == [word("rush_calls", FR, most=300)]
    root = page(rush(client, calls="5000"))
    assert error_of(root, "calls") == [word("rush_calls", FR, most=300)]
    root = page(rush(client, secretaries="Claire, Zoé"))
    unknown = DomainError("rush_secretary_unknown", "secretaries", name="Zoé")
    assert error_of(root, "secretaries") == [say(unknown, FR)]
    assert error_of(page(rush(client, talk="0")), "talk") == [word("rush_seconds", FR, most=3600)]
    assert root.xpath('//div[@id="rush"]') == []


def test_secretaries_may_not_rehearse(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    auth.login(LOGINS["secretary"])
    assert rush(client).status_code == 403

"""The Calendar page: a week per client and practitioner, appointments placed by local time,
imported busy blocks shaded, previous and next weeks; each role sees only its own."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml.html import HtmlElement

from desk.base.db import Database
from tests.conftest import AuthActions, pin_clock
from tests.helpers.booking import NOW, ids, seed_week
from tests.helpers.html import has_class, one, parse, text
from tests.helpers.web import LOGINS, other_tenant


def day_items(page: Any, day: str) -> list[HtmlElement]:
    """The appointments and busy times in the column of `day`."""
    found: list[HtmlElement] = parse(page).xpath(
        f'//div[@data-day="{day}"]/div[{has_class("cal-item")}]'
    )
    return found


def test_the_week_shows_the_appointment_at_its_paris_time_and_the_busy_block_shaded(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    seed_week(db)
    auth.login(LOGINS["secretary"])
    known = ids(db)
    page = client.get(f"/desk/calendar?client_id={known['client_id']}&week=2026-03-11")
    (jeanne,) = [item for item in day_items(page, "2026-03-09") if "Jeanne Petit" in text(item)]
    assert text(jeanne).startswith("09:00–09:30 ")
    # 09:00 is two hours after the 07:00 top of a 14-hour column.
    assert f"top: {120 * 100 / (14 * 60)}%" in jeanne.get("style")
    tuesday = day_items(page, "2026-03-10")
    busy = [text(item) for item in tuesday if "busy" in item.get("class").split()]
    assert busy == ["14:00–16:00 Formation"]


def test_previous_and_next_week_links_move_by_seven_days(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    auth.login(LOGINS["admin"])
    page = client.get("/desk/calendar?week=2026-03-11").get_data(as_text=True)
    assert "week=2026-03-02" in page and "week=2026-03-16" in page
    assert 'data-day="2026-03-15"' in page


def test_the_practice_reads_its_own_calendar_without_links_to_change_it(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    seed_week(db)
    auth.login(LOGINS["client"])
    page = client.get("/desk/calendar?week=2026-03-09").get_data(as_text=True)
    assert "Jeanne Petit" in page
    assert "/desk/book/" not in page


def test_another_practices_calendar_is_not_found(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    other = other_tenant(db)
    for role in ("secretary", "client"):
        auth.login(LOGINS[role])
        assert client.get(f"/desk/calendar?client_id={other}").status_code == 404
        auth.logout()


def test_a_practitioner_of_another_practice_is_not_found(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    auth.login(LOGINS["secretary"])
    known = ids(db)
    response = client.get(f"/desk/calendar?client_id={known['client_id']}&practitioner_id=999999")
    assert response.status_code == 404


def test_one_practitioners_week_leaves_out_the_others_appointments(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    seed_week(db)
    auth.login(LOGINS["secretary"])
    known = ids(db)
    base = f"/desk/calendar?client_id={known['client_id']}&week=2026-03-09"
    assert "Jeanne Petit" in client.get(
        f"{base}&practitioner_id={known['practitioner_id']}"
    ).get_data(as_text=True)
    menu = one(parse(client.get(base)), '//select[@id="cal-practitioner"]')
    leroy = one(menu, './option[normalize-space()="Dr Anne Leroy"]').get("value")
    assert "Jeanne Petit" not in client.get(f"{base}&practitioner_id={leroy}").get_data(
        as_text=True
    )

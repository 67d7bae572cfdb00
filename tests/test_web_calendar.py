"""The Calendar page: a week per client and practitioner, appointments placed by local time,
imported busy blocks shaded, previous and next weeks; each role sees only its own."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from desk.base.db import Database
from desk.models import BusyBlock, CalendarSource
from scheduling.booking import book
from tests.conftest import AuthActions, pin_clock
from tests.test_web_book import MONDAY_9, NOW, ids
from tests.web_support import LOGINS, other_tenant


def seed_week(db: Database) -> None:
    known = ids(db)
    with db.session() as s:
        book(s, **known, starts_at=MONDAY_9, patient_name="Jeanne Petit", now=NOW)
        source = CalendarSource(client_id=known["client_id"], url="https://example.test/c.ics")
        s.add(source)
        s.flush()
        s.add(
            BusyBlock(
                source_id=source.id,
                client_id=known["client_id"],
                starts_at=datetime(2026, 3, 10, 13, 0, tzinfo=UTC),  # Tuesday 14:00 in Paris
                ends_at=datetime(2026, 3, 10, 15, 0, tzinfo=UTC),
                summary="Formation",
            )
        )


def day_column(page: str, day: str) -> str:
    start = page.index(f'data-day="{day}"')
    return page[start : page.index('class="cal-day', start + 1)]


def test_the_week_shows_the_appointment_at_its_paris_time_and_the_busy_block_shaded(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    seed_week(db)
    auth.login(LOGINS["secretary"])
    known = ids(db)
    page = client.get(f"/desk/calendar?client_id={known['client_id']}&week=2026-03-11").get_data(
        as_text=True
    )
    monday = day_column(page, "2026-03-09")
    assert "09:00–09:30" in monday and "Jeanne Petit" in monday
    # 09:00 is two hours after the 07:00 top of a 14-hour column.
    assert f"top: {120 * 100 / (14 * 60)}%" in monday
    tuesday = day_column(page, "2026-03-10")
    assert 'class="cal-item busy"' in tuesday and "14:00–16:00 Formation" in tuesday


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
    page = client.get(base).get_data(as_text=True)
    leroy = (
        page.split('id="cal-practitioner"')[1]
        .split("Dr Anne Leroy")[0]
        .rsplit('value="', 1)[1]
        .split('"')[0]
    )
    assert "Jeanne Petit" not in client.get(f"{base}&practitioner_id={leroy}").get_data(
        as_text=True
    )

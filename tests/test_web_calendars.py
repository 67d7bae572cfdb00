"""The client's page (admin): connect a practice's calendar (checked against a real
Radicale when saved), see each connection's state, disconnect it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.config import Settings
from desk.base.db import Database
from desk.models import (
    Appointment,
    CalendarBusy,
    CalendarConnection,
    CalendarEvent,
    Practitioner,
)
from scheduling.booking import book
from scheduling.calendars.connections import add_connection
from scheduling.calendars.dav import Found
from tests.conftest import AuthActions, pin_clock
from tests.helpers.booking import MONDAY_9, NOW, ids
from tests.helpers.caldav_servers import DavServer, calendar_settings, connect_calendar
from tests.helpers.web import LOGINS, post


@pytest.fixture
def settings(db: Database, tmp_path: Path) -> Settings:
    """The app's settings, reaching loopback calendars."""
    return calendar_settings(db.url, tmp_path)


def section(client: FlaskClient, client_id: int) -> lxml.html.HtmlElement:
    page = client.get(f"/desk/clients/{client_id}")
    assert page.status_code == 200
    [found] = lxml.html.fromstring(page.get_data(as_text=True)).xpath('//section[@id="calendars"]')
    return found


def rows(found: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return found.xpath(".//tr[@data-connection]")


def test_the_admin_connects_a_calendar_and_sees_it_working(
    client: FlaskClient, auth: AuthActions, db: Database, own: int, radicale: DavServer
) -> None:
    calendar = radicale.new_calendar()
    with db.session() as s:
        leroy = s.scalar(select(Practitioner.id).where(Practitioner.name == "Dr Anne Leroy"))
    auth.login(LOGINS["admin"])
    assert rows(section(client, own)) == []
    response = post(
        client,
        f"/desk/clients/{own}/calendars",
        {
            "calendar-practitioner": str(leroy),
            "calendar-url": calendar.url,
            "calendar-username": radicale.username,
            "calendar-password": radicale.password,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    found = section(client, own)
    [row] = rows(found)
    cells = [" ".join(td.text_content().split()) for td in row.xpath("./td")]
    assert cells[0] == "Dr Anne Leroy"
    assert row.get("data-state") == "active"
    assert cells[2].startswith("en service")
    assert radicale.password not in lxml.html.tostring(found, encoding="unicode")
    # The password field is empty again: never shown back.
    [password] = found.xpath('.//input[@name="calendar-password"]')
    assert not password.get("value")


def test_a_wrong_password_is_shown_next_to_the_field_and_nothing_kept(
    client: FlaskClient, auth: AuthActions, db: Database, own: int, radicale: DavServer
) -> None:
    calendar = radicale.new_calendar()
    auth.login(LOGINS["admin"])
    response = post(
        client,
        f"/desk/clients/{own}/calendars",
        {
            "calendar-url": calendar.url,
            "calendar-username": radicale.username,
            "calendar-password": "wrong-password",
        },
    )
    assert response.status_code == 400
    page = lxml.html.fromstring(response.get_data(as_text=True))
    [error] = page.xpath('//*[@id="calendar-url-error"]')
    assert "mot de passe" in error.text_content()
    with db.session() as s:
        assert s.scalars(select(CalendarConnection)).all() == []


def test_conflicts_and_errors_are_shown_and_disconnecting_removes_the_row(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    with db.session() as s:
        row = add_connection(
            s,
            client_id=own,
            practitioner_id=None,
            found=None,
            address="dr.leroy@example.org",
            now=s.scalar(select(Appointment.created_at).limit(1)),  # type: ignore[arg-type]
        )
        row.state, row.last_error = "failing", "calendar_unreachable"
        appt_id = s.scalar(select(Appointment.id).where(Appointment.client_id == own).limit(1))
        assert appt_id is not None
        s.add(
            CalendarEvent(connection_id=row.id, appointment_id=appt_id, uid="u", state="conflict")
        )
        s.flush()
        connection_id = row.id
    auth.login(LOGINS["admin"])
    [shown] = rows(section(client, own))
    assert "Le serveur d'agenda est injoignable." in shown.text_content()
    assert (
        "1 modifié(s) dans l'agenda" in shown.xpath('.//td[@class="conflicts"]')[0].text_content()
    )
    assert "dr.leroy@example.org" in shown.text_content()
    response = post(client, f"/desk/clients/{own}/calendars/{connection_id}/disconnect")
    assert response.status_code == 302
    assert rows(section(client, own)) == []
    assert post(client, f"/desk/clients/{own}/calendars/999/disconnect").status_code == 404


def test_the_agenda_flags_an_appointment_changed_in_the_calendar_and_shows_pulled_busy_times(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    known = ids(db)
    with db.session() as s:
        appt = book(s, **known, starts_at=MONDAY_9, patient_name="Jeanne Petit", now=NOW)
        connection = add_connection(
            s,
            client_id=known["client_id"],
            practitioner_id=None,
            found=Found("http://127.0.0.1:1/cal/", "Cabinet"),
            now=NOW,
        )
        # Connecting queued the week's appointments; this one came back with a 412.
        flagged = s.scalars(
            select(CalendarEvent).where(CalendarEvent.appointment_id == appt.id)
        ).one()
        flagged.state = "conflict"
        s.add(
            CalendarBusy(
                connection_id=connection.id,
                client_id=known["client_id"],
                href="/cal/x.ics",
                starts_at=datetime(2026, 3, 10, 13, 0, tzinfo=UTC),  # Tuesday 14:00 in Paris
                ends_at=datetime(2026, 3, 10, 14, 0, tzinfo=UTC),
                summary="Dentiste",
            )
        )
    auth.login(LOGINS["secretary"])
    page = client.get(f"/desk/calendar?client_id={known['client_id']}&week=2026-03-11")
    tree = lxml.html.fromstring(page.get_data(as_text=True))
    [flagged] = tree.xpath('//div[@data-day="2026-03-09"]//div[contains(@class, "flagged")]')
    assert "Jeanne Petit" in flagged.text_content()
    [flag] = flagged.xpath('.//*[@data-flag="calendar-conflict"]')
    assert "Modifié dans l'agenda du cabinet" in flag.text_content()
    busy = tree.xpath('//div[@data-day="2026-03-10"]//div[contains(@class, "busy")]')
    assert any("14:00–15:00 Dentiste" in " ".join(b.text_content().split()) for b in busy)
    # Other appointments of the week carry no flag.
    assert len(tree.xpath('//div[contains(@class, "flagged")]')) == 1


def test_the_book_page_pulls_a_stale_calendar_before_offering_its_slots(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    demo: str,
    db: Database,
    settings: Settings,
    radicale: DavServer,
) -> None:
    pin_clock(app, NOW)
    known = ids(db)
    calendar = radicale.new_calendar()
    with db.session() as s:
        connect_calendar(s, settings, calendar, known["client_id"], known["practitioner_id"])
    query = "&".join(f"{k}={v}" for k, v in known.items()) + "&week=2026-03-11"

    def offered() -> list[str]:
        page = lxml.html.fromstring(client.get(f"/desk/book?{query}").get_data(as_text=True))
        return page.xpath('//div[@data-day="2026-03-09"]//input[@type="radio"]/@value')

    auth.login(LOGINS["secretary"])
    assert MONDAY_9.isoformat() in offered()  # first pull: nothing in the calendar yet
    # The practice adds an event in its own calendar app: Monday 09:00-10:00 Paris.
    calendar.put(
        "dentist",
        "\r\n".join(
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//Practice//EN",
                "BEGIN:VEVENT",
                "UID:dentist@practice",
                "DTSTAMP:20260301T000000Z",
                "DTSTART:20260309T080000Z",
                "DTEND:20260309T090000Z",
                "END:VEVENT",
                "END:VCALENDAR",
                "",
            ]
        ),
    )
    assert MONDAY_9.isoformat() in offered()  # pulled a moment ago: not asked again
    pin_clock(app, NOW + timedelta(minutes=6))  # older than calendars.pull_minutes
    assert MONDAY_9.isoformat() not in offered()


def test_the_appointment_page_shows_the_practices_version_and_settles_it(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    known = ids(db)
    their = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//p//EN\r\nBEGIN:VEVENT\r\nUID:u\r\n"
        "DTSTAMP:20260301T000000Z\r\nDTSTART:20260309T090000Z\r\nDTEND:20260309T093000Z\r\n"
        "SUMMARY:Jeanne Petit (déplacé)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with db.session() as s:
        appt = book(s, **known, starts_at=MONDAY_9, patient_name="Jeanne Petit", now=NOW)
        connection = add_connection(
            s,
            client_id=known["client_id"],
            practitioner_id=None,
            found=Found("http://127.0.0.1:1/cal/", "Cabinet"),
            now=NOW,
        )
        # Connecting queued the appointment; its update came back with a 412.
        event = s.scalars(
            select(CalendarEvent).where(
                CalendarEvent.appointment_id == appt.id,
                CalendarEvent.connection_id == connection.id,
            )
        ).one()
        event.state, event.etag, event.server_copy = "conflict", '"1"', their
        appointment_id, event_id = appt.id, event.id
    auth.login(LOGINS["secretary"])
    page = lxml.html.fromstring(client.get(f"/desk/book/{appointment_id}").get_data(as_text=True))
    [section] = page.xpath("//section[@data-calendar-conflict]")
    [version] = section.xpath('.//*[@class="their-version"]')
    assert " ".join(version.text_content().split()) == (
        "09/03/2026 10:00–10:30 Jeanne Petit (déplacé)"
    )
    response = post(client, f"/desk/book/{appointment_id}/calendar/{event_id}/desk")
    assert response.status_code == 302
    page = lxml.html.fromstring(client.get(f"/desk/book/{appointment_id}").get_data(as_text=True))
    assert page.xpath("//section[@data-calendar-conflict]") == []
    with db.session() as s:
        row = s.get(CalendarEvent, event_id)
        assert row is not None and (row.state, row.etag) == ("pending", None)
    assert post(client, f"/desk/book/{appointment_id}/calendar/999/desk").status_code == 404

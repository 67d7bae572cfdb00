"""Claire books through the Book page; the practice's feed then carries the event. A slot
taken between listing and confirming shows the next free slots instead of an error."""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime

import icalendar
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from desk.models import Appointment, AppointmentType, Client, FeedToken, Practitioner
from scheduling.booking import book
from tests.helpers.browser import LiveServer, log_in

pytestmark = pytest.mark.browser


def open_next_weeks_slots(page: Page) -> str:
    """As Claire: Book → Dr Martin, consultation → next week; returns the first slot's value."""
    log_in(page, "claire@permanence.test")
    page.get_by_role("link", name="Rendez-vous", exact=True).click()
    page.select_option("#practitioner_id", label="Dr Paul Martin")
    page.select_option("#type_id", label="Consultation (30 min)")
    page.get_by_role("button", name="Voir les créneaux libres").click()
    page.get_by_role("link", name="Semaine suivante").click()
    first = page.locator("#slots input[type=radio]").first
    value = first.get_attribute("value")
    assert value is not None
    first.check()
    page.fill("#patient_name", "Jeanne Petit")
    page.fill("#patient_phone", "06 12 34 56 78")
    return value


def test_claire_books_a_slot_and_the_practices_feed_carries_the_event(
    page: Page, live_server: LiveServer
) -> None:
    chosen = datetime.fromisoformat(open_next_weeks_slots(page))
    page.get_by_role("button", name="Confirmer le rendez-vous").click()
    expect(page.get_by_role("status")).to_contain_text("Le rendez-vous est pris.")
    expect(page.locator("#appointment")).to_contain_text("Jeanne Petit")

    with live_server.db.session() as s:
        client_id = s.scalar(select(Client.id).where(Client.slug == "cabinet-du-parc"))
        token = s.scalar(
            select(FeedToken.token).where(
                FeedToken.client_id == client_id, FeedToken.practitioner_id.is_(None)
            )
        )
        # The demo books a few appointments of its own: find the one Claire just made.
        uid = s.scalars(
            select(Appointment.uid).where(Appointment.patient_name == "Jeanne Petit")
        ).one()
    with urllib.request.urlopen(live_server(f"/feeds/{token}.ics"), timeout=10) as response:
        assert response.status == 200
        feed = icalendar.Calendar.from_ical(response.read())
    events = {str(e["UID"]): e for e in feed.walk("VEVENT")}
    event = events[uid]
    assert event.decoded("DTSTART").astimezone(UTC) == chosen.astimezone(UTC)
    assert "Consultation" in str(event["SUMMARY"]) and "Jeanne" in str(event["SUMMARY"])


def test_a_slot_taken_between_listing_and_confirming_offers_the_next_free_slots(
    page: Page, live_server: LiveServer
) -> None:
    chosen = open_next_weeks_slots(page)
    with live_server.db.session() as s:  # someone else, on the API, is quicker
        book(
            s,
            client_id=s.scalar(select(Client.id).where(Client.slug == "cabinet-du-parc")),
            practitioner_id=s.scalars(
                select(Practitioner.id).where(Practitioner.name == "Dr Paul Martin")
            ).one(),
            type_id=s.scalars(
                select(AppointmentType.id).where(AppointmentType.name == "Consultation")
            ).one(),
            starts_at=datetime.fromisoformat(chosen),
            patient_name="Plus Rapide",
            now=datetime.now(UTC),
        )
    page.get_by_role("button", name="Confirmer le rendez-vous").click()
    expect(page.locator(".taken")).to_contain_text("Voici les prochains créneaux libres")
    expect(page.locator("#slots-error")).to_contain_text("Ce créneau vient d'être pris")
    expect(page.locator(f'#slots input[value="{chosen}"]')).to_have_count(0)
    expect(page.locator("#slots input[type=radio]").first).to_be_visible()
    expect(page.locator("#patient_name")).to_have_value("Jeanne Petit")

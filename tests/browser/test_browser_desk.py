import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from desk.setup.training import set_training_mode
from tests.conftest import pin_clock
from tests.helpers.browser import LiveServer, log_in
from tests.helpers.web import demo_call

pytestmark = pytest.mark.browser


def test_an_accepted_call_pops_the_fiche_on_claires_now_page_within_two_seconds(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, "claire@permanence.test")
    page.get_by_role("link", name="En direct").click()
    expect(page.locator("#live-call")).to_be_empty()

    # What the voice webhooks write when Claire presses 1 (the simulator will drive them).
    now = datetime.now(UTC)
    demo_call(
        live_server.db,
        sid="CA-browser",
        at=now - timedelta(seconds=5),
        accepted_by="Claire",
        accepted_at=now,
    )

    fiche = page.locator("#live-call .fiche")
    expect(fiche).to_contain_text("Cabinet dentaire du Parc", timeout=2000)
    expect(fiche).to_contain_text("Ne jamais donner de conseil médical")
    expect(fiche.get_by_text("Prendre un message")).to_be_visible()
    expect(fiche.get_by_text("Prendre rendez-vous")).to_be_visible()


def test_as_admin_remove_the_backup_mark_claire_absent_see_the_gap_then_an_override_fills_it(
    page: Page,
) -> None:
    log_in(page, "admin@permanence.test")
    page.get_by_role("link", name="Planning").click()
    page.fill("#rota-week", "2026-03-02")
    page.get_by_role("button", name="Afficher").click()
    monday = page.locator('[data-day="2026-03-02"]')
    expect(monday.locator(".gap")).to_have_count(0)

    sophie_lunch = page.locator("#shifts li", has_text=re.compile(r"Sophie · Lun.*12:00–14:00"))
    sophie_lunch.get_by_role("button", name="Supprimer").click()
    expect(page.get_by_role("status")).to_contain_text("Supprimé")

    page.select_option("#absence-secretary", label="Claire")
    page.fill("#absence-first_day", "2026-03-02")
    page.fill("#absence-last_day", "2026-03-02")
    page.get_by_role("button", name="Enregistrer l'absence").click()
    expect(monday.locator(".gap")).to_contain_text("12:00–14:00")

    claire_lunch = page.locator("#take-shift option", has_text=re.compile(r"Claire · Lun.*12:00"))
    page.select_option("#take-shift", value=claire_lunch.get_attribute("value"))
    page.select_option("#take-replacement", label="Inès")
    page.fill("#take-day", "2026-03-02")
    page.get_by_role("button", name="Reprendre le créneau").click()
    expect(page.get_by_role("status")).to_contain_text("Le créneau est repris")
    expect(monday.locator('[data-gap="12:00"]')).to_have_count(0)
    expect(monday).to_contain_text("remplace Claire")


def test_claire_places_a_lunch_call_in_the_simulator_accepts_it_takes_a_message_sees_it_sent(
    page: Page, live_server: LiveServer
) -> None:
    # The desk believes it is Monday 12:30 in Paris: lunch, Claire and Sophie on duty.
    pin_clock(live_server.app, datetime(2026, 3, 2, 11, 30, tzinfo=UTC))
    with live_server.db.session() as s:  # an admin put the desk in training mode
        set_training_mode(s, True, actor="system")
        s.commit()
    log_in(page, "claire@permanence.test")
    page.get_by_role("link", name="Simulateur").click()
    page.select_option("#number", value="+33199001234")
    page.fill("#caller", "+33612345678")
    page.select_option("#step1", value="accept")
    page.get_by_role("button", name="Passer l’appel").click()
    steps = page.locator("#simulation")
    expect(steps).to_contain_text("Fait sonner : Claire")
    expect(steps).to_contain_text("Claire accepte l’appel.")

    page.get_by_role("link", name="En direct").click()
    fiche = page.locator("#live-call .fiche")
    expect(fiche).to_contain_text("Cabinet dentaire du Parc", timeout=2000)
    fiche.get_by_role("link", name="Prendre un message").click()

    expect(page.locator("#caller_number")).to_have_value("+33612345678")
    page.fill("#caller_name", "M. Martin")
    page.fill("#body", "Rappeler pour une couronne descellée")
    page.get_by_role("button", name="Enregistrer le message").click()
    expect(page.get_by_role("status")).to_contain_text("Message enregistré")
    expect(page.locator("table.messages")).to_contain_text("M. Martin")

    page.get_by_role("link", name="File d'envoi").click()
    expect(page.locator("table.outbox")).to_contain_text("couronne descellée")

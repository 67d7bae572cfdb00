"""The practice logs in to its portal, gets its calendar links with QR codes, and never
sees the secretaries' script."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.browser import LiveServer, log_in, shot

pytestmark = pytest.mark.browser


def test_the_practice_gets_its_calendar_links_with_qr_codes(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, "accueil@cabinet-du-parc.test")
    expect(page).to_have_url(live_server("/desk/portal/"))
    page.get_by_role("button", name="Obtenir les liens d'agenda").or_(
        page.get_by_role("button", name="Ajouter les liens manquants")
    ).click()
    expect(page.get_by_role("status")).to_contain_text("Vos liens d'agenda sont prêts.")
    expect(page.locator("#feeds img.qr").first).to_be_visible()
    assert page.locator("#feeds img.qr").count() >= 3  # the practice and its two practitioners
    expect(page.locator("#feeds")).to_contain_text("Google")
    expect(page.locator("#feeds")).to_contain_text("Outlook")
    expect(page.get_by_role("link", name="Clients")).to_have_count(0)
    shot(page, "portal")

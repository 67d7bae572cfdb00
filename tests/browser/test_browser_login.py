import pytest
from playwright.sync_api import Page, expect

from tests.helpers.browser import log_in

pytestmark = pytest.mark.browser


def test_claire_logs_in_and_sees_her_clients_then_switches_to_english(page: Page) -> None:
    log_in(page, "claire@permanence.test")
    expect(page.locator('[data-client="cabinet-du-parc"]')).to_contain_text(
        "Cabinet dentaire du Parc"
    )
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    page.select_option("#locale", "en")
    page.get_by_role("button", name="OK").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_a_wrong_password_shows_the_error_next_to_the_field(page: Page) -> None:
    page.goto("/desk/login")
    page.fill("input[name=email]", "claire@permanence.test")
    page.fill("input[name=password]", "wrong")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("mot de passe incorrect")

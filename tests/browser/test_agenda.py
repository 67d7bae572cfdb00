"""The agenda in Chromium: a click on an empty time books there; a phone shows one day."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.conftest import pin_clock
from tests.helpers.booking import NOW, ids, seed_week
from tests.helpers.browser import LiveServer, log_in

pytestmark = pytest.mark.browser


def test_a_click_on_monday_10_00_opens_book_with_that_slot_chosen(
    page: Page, live_server: LiveServer
) -> None:
    pin_clock(live_server.app, NOW)
    known = ids(live_server.db)
    log_in(page, "claire@permanence.test")
    page.goto(
        f"/desk/calendar?client_id={known['client_id']}"
        f"&practitioner_id={known['practitioner_id']}&week=2026-03-09"
    )
    head = page.locator(".cal-head").first
    assert head.is_visible()
    column = page.locator('.cal-day[data-day="2026-03-09"]')
    box = column.bounding_box()
    assert box is not None
    # 07:00 is the top of a 14-hour column: 10:00 is 3/14 of the way down.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 3 / 14 + 3)
    page.wait_for_url(re.compile(r"/desk/book\?"))
    assert "starts_at=2026-03-09T09%3A00%3A00%2B00%3A00" in page.url
    page.goto(page.url + f"&type_id={known['type_id']}")
    assert page.locator('input[type=radio][value="2026-03-09T09:00:00+00:00"]').is_checked()


def test_on_a_phone_the_agenda_shows_one_day_and_its_events_read_well(
    browser: Any, live_server: LiveServer
) -> None:
    pin_clock(live_server.app, NOW)
    seed_week(live_server.db)
    known = ids(live_server.db)
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    tab = context.new_page()
    log_in(tab, "claire@permanence.test")
    tab.goto(f"/desk/calendar?client_id={known['client_id']}&week=2026-03-09&day=2026-03-09")
    visible = [d for d in tab.locator(".cal-day").all() if d.is_visible()]
    assert len(visible) == 1 and visible[0].get_attribute("data-day") == "2026-03-09"
    event = tab.locator(".cal-item.appointment a").first
    assert "Jeanne Petit" in event.inner_text()
    colour, background = tab.evaluate(
        """() => { const a = document.querySelector('.cal-item.appointment a');
                   return [getComputedStyle(a).color,
                           getComputedStyle(a.parentElement).backgroundColor]; }"""
    )
    assert colour != background
    tab.locator('[data-day-tab="2026-03-10"]').click()
    tab.wait_for_url(re.compile("day=2026-03-10"))
    visible = [d for d in tab.locator(".cal-day").all() if d.is_visible()]
    assert [d.get_attribute("data-day") for d in visible] == ["2026-03-10"]
    context.close()


def test_keyboard_b_opens_book_m_a_message_and_tab_first_reaches_the_skip_link(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, "claire@permanence.test")
    page.goto("/desk/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    page.keyboard.press("Escape")
    page.locator("h1").click()
    page.keyboard.press("b")
    page.wait_for_url(re.compile(r"/desk/book$"))
    page.locator("h1").click()
    page.keyboard.press("m")
    page.wait_for_url(re.compile(r"/desk/messages/new$"))

"""On a phone (390×844), every desk page fits the screen: no sideways scrolling, the menu
folds behind one button. Also takes the screenshots the working day is judged on."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from desk.models import Message
from tests.helpers.browser import STEP_TIMEOUT_MS, LiveServer, log_in
from tests.helpers.web import demo_call, demo_id

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PAGES = [
    "/desk/",
    "/desk/now",
    "/desk/messages/",
    "/desk/messages/new",
    "/desk/book",
    "/desk/book/find?q=a",
    "/desk/calendar",
    "/desk/calls/",
    "/desk/rota/",
    "/desk/outbox/",
    "/desk/clients/",
    "/desk/clients/{client}",
    "/desk/simulator",
    "/desk/nowhere",
]
# Where to keep screenshots for a person to look at (unset: none are written).
SHOTS = os.environ.get("DESK_SCREENSHOTS")


def _fits(tab: Any) -> tuple[int, int]:
    return tab.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


def test_every_page_fits_a_phone_screen_and_the_menu_folds(
    browser: Any, live_server: LiveServer
) -> None:
    with live_server.db.session() as s:
        client = demo_id(s)
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=PHONE)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    tab = context.new_page()
    tab.goto("/desk/login")
    width, viewport = _fits(tab)
    assert width <= viewport, ("/desk/login", width)
    log_in(tab, "admin@permanence.test")
    too_wide = []
    for path in PAGES:
        tab.goto(path.format(client=client))
        width, viewport = _fits(tab)
        if width > viewport:
            too_wide.append((path, width))
        if SHOTS and path in ("/desk/calendar", "/desk/", "/desk/rota/"):
            name = path.strip("/").replace("/", "-") or "today"
            tab.screenshot(path=str(Path(SHOTS) / f"phone-{name}.png"), full_page=True)
    assert too_wide == [], too_wide
    nav = tab.locator("#main-nav")
    assert nav.is_hidden()
    tab.get_by_role("button", name="Menu").click()
    assert nav.is_visible()
    context.close()


def test_screenshots_of_the_desktop_pages(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1366, "height": 900}
    )
    tab = context.new_page()
    log_in(tab, "claire@permanence.test")
    shots = Path(SHOTS) if SHOTS else tmp_path
    tab.goto("/desk/")
    tab.screenshot(path=str(shots / "today.png"), full_page=True)
    tab.goto("/desk/calendar")
    tab.screenshot(path=str(shots / "calendar.png"), full_page=True)
    tab.goto("/desk/nowhere")
    tab.screenshot(path=str(shots / "error-404.png"), full_page=True)
    tab.goto("/desk/calls/")
    now = datetime.now(UTC)
    with live_server.db.session() as s:
        s.add(
            Message(
                client_id=demo_id(s),
                caller_name="Hélène Dupré",
                caller_number="+33612345678",
                reason="Rappeler pour un devis",
                created_at=now - timedelta(days=3),
            )
        )
    demo_call(live_server.db, sid="CA-shot-old", at=now - timedelta(days=20), caller="+33612345678")
    demo_call(live_server.db, sid="CA-shot", at=now, caller="+33612345678",
              accepted_by="Claire", accepted_at=now)  # fmt: skip
    tab.wait_for_function("() => window.deskFicheShownAt > 0", timeout=STEP_TIMEOUT_MS)
    # Painted with its caller's history (the fiche is whole when shown; no fixed wait).
    expect(tab.locator("#live-call")).to_contain_text("Rappeler pour un devis")
    tab.screenshot(path=str(shots / "fiche.png"))
    fiche = tab.locator("#live-call").inner_text()
    assert "Hélène Dupré" in fiche and "Rappeler pour un devis" in fiche
    context.close()

"""What a new owner saw in Chromium, at 1280 wide and on a phone (390×844): the live-call
fiche beside the page rather than over it, its header always in reach; tables whose
columns keep whole words and whose cells keep their names on a phone; the rota's
replacement select inside its card."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from desk.billing.invoices import issue_statements
from desk.outbox.queue import enqueue
from desk.setup.training import set_training_mode
from tests.conftest import pin_clock
from tests.helpers.billing import NOW, october_of_calls
from tests.helpers.browser import LiveServer, log_in
from tests.helpers.web import demo_id

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LUNCH = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)  # Monday 12:30 in Paris: Claire on duty


def _tab(browser: Any, live_server: LiveServer, viewport: dict[str, int]) -> Any:
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=viewport)
    context.set_default_timeout(5000)
    return context.new_page()


def _rect(tab: Any, selector: str) -> dict[str, float]:
    box = tab.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_the_live_fiche_leaves_the_page_usable_and_its_header_in_reach(
    browser: Any, live_server: LiveServer, viewport: dict[str, int]
) -> None:
    pin_clock(live_server.app, LUNCH)
    with live_server.db.session() as s:
        set_training_mode(s, True, actor="system")
    tab = _tab(browser, live_server, viewport)
    log_in(tab, "claire@permanence.test")
    tab.goto("/desk/simulator")
    tab.select_option("#number", value="+33199001234")
    tab.fill("#caller", "+33612345678")
    tab.select_option("#step1", value="accept")
    tab.get_by_role("button", name="Passer l’appel").click()
    expect(tab.locator("#simulation")).to_contain_text("Claire accepte l’appel.")

    tab.goto("/desk/book")
    expect(tab.locator("#live-call .live-head")).to_be_visible()
    panel = _rect(tab, "#live-call")
    if viewport is WIDE:  # every booking control beside the fiche, none under it
        for control in tab.locator("main form").first.locator("select, input, button").all():
            box = control.bounding_box()
            assert box is not None and not _overlap(box, panel), control.evaluate("e => e.id")

    tab.locator("#live-call").get_by_role("link", name="Prendre un message").click()
    tab.wait_for_url("**/desk/messages/new**")
    expect(tab.locator("#live-call .live-head")).to_be_visible()
    tab.focus("#caller_name")
    head = _rect(tab, "#live-call .live-head")
    assert head["y"] >= 0 and head["y"] + head["height"] <= viewport["height"]
    for part in (".caller-number", "[data-timer]", "[data-live-dismiss]"):
        expect(tab.locator(f"#live-call .live-head {part}")).to_be_in_viewport()
    field = _rect(tab, "#caller_name")
    assert not _overlap(field, _rect(tab, "#live-call"))
    assert field["y"] >= 0


def test_tables_keep_whole_words_and_name_their_cells_on_a_phone(
    browser: Any, live_server: LiveServer
) -> None:
    pin_clock(live_server.app, NOW)
    with live_server.db.session() as s:
        october_of_calls(s)
    with live_server.db.session() as s:
        issue_statements(s, "2026-10", NOW)
        enqueue(s, channel="sms", recipient="+33612000009", body="Cabinet : message vocal",
                kind="message", client_id=demo_id(s))  # fmt: skip
    wide = _tab(browser, live_server, WIDE)
    log_in(wide, "admin@permanence.test")
    wide.goto("/desk/outbox/")
    # One line per header and per short cell: no word cut in two ("Qua nd", "Envo yé").
    for cell in wide.locator("table.outbox th, table.outbox td:nth-child(-n+6)").all():
        lines = cell.evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e);"
            " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"
        )
        text = cell.inner_text()
        if " " not in text.strip() and "\n" not in text.strip():
            assert lines <= 1, text

    phone = _tab(browser, live_server, PHONE)
    log_in(phone, "admin@permanence.test")
    phone.goto("/desk/billing/?month=2026-10")
    row = phone.locator("table.billing tbody tr").first
    shown = row.locator("td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert '"Numéro : "' in shown and '"Total TTC : "' in shown, shown


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_the_rota_replacement_select_stays_in_its_card(
    browser: Any, live_server: LiveServer, viewport: dict[str, int]
) -> None:
    tab = _tab(browser, live_server, viewport)
    log_in(tab, "admin@permanence.test")
    tab.goto("/desk/rota/")
    select = tab.locator(".forms select").filter(has=tab.locator("option", has_text="rang"))
    card = select.first.locator("xpath=ancestor::*[parent::*[contains(@class,'forms')]]")
    inner, outer = select.first.bounding_box(), card.bounding_box()
    assert inner is not None and outer is not None
    assert inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5


def test_the_practices_portal_fits_a_phone(browser: Any, live_server: LiveServer) -> None:
    tab = _tab(browser, live_server, PHONE)
    log_in(tab, "accueil@cabinet-du-parc.test")
    tab.goto("/desk/portal/")
    if not tab.locator("input.url").count():  # links made once, then shown
        tab.locator("#feeds button[type=submit]").click()
    expect(tab.locator("input.url").first).to_be_visible()
    width, viewport = tab.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport

"""A partner opens her offer from the SMS link on a phone (390×844), reads the mission and
her pay, taps Accepter; the admin's rota then shows her on duty in the former gap.

With DESK_SCREENSHOTS set, the screenshots are kept there for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desk.models import Offer, OfferState, Outbox
from desk.models.states import Channel
from desk.offers.making import offer_gap
from desk.offers.sending import send_due
from tests.helpers.browser import LiveServer, log_in
from tests.helpers.offers import GAP, LINK, NOW, network

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("DESK_SCREENSHOTS")


def test_the_offer_opens_from_the_sms_link_on_a_phone_and_is_accepted(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    with live_server.db.session() as s:
        net = network(s)
        offer_id = offer_gap(s, net.client_id, GAP[0], GAP[1], NOW).id
        send_due(s, NOW, live_server.url)
    with live_server.db.session() as s:
        sms = s.scalar(
            select(Outbox.body).where(
                Outbox.kind == "offer",
                Outbox.channel == Channel.SMS,
                Outbox.recipient == "+33612000100",
            )
        )
    assert sms is not None
    match = LINK.search(sms)
    assert match is not None and sms.endswith(match.group(0))
    link = match.group(0)
    assert link.startswith(live_server.url)

    phone = browser.new_context(
        viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    phone.set_default_timeout(5000)
    tab = phone.new_page()
    try:
        tab.goto(link)
        assert tab.locator("#offer-client").inner_text() == "Cabinet des Tilleuls"
        assert tab.locator("#offer-when").inner_text() == "09/03/2027, de 12:00 à 14:00"
        assert tab.locator("#offer-pay").inner_text().startswith("45,00")
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        accept = tab.get_by_role("button", name="Accepter")
        box = accept.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 390
        tab.screenshot(path=str(shots / "offer-phone.png"), full_page=True)
        accept.tap()
        tab.wait_for_selector("[role=status]")
        assert "La mission est à vous" in tab.locator("[role=status]").inner_text()
        assert tab.get_by_role("button", name="Accepter").count() == 0
        tab.screenshot(path=str(shots / "offer-phone-accepted.png"), full_page=True)
    finally:
        phone.close()
    with live_server.db.session() as s:
        offer = s.get(Offer, offer_id)
        assert offer is not None and offer.state == OfferState.TAKEN

    desk = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    desk.set_default_timeout(5000)
    admin = desk.new_page()
    try:
        log_in(admin, "admin@permanence.test")
        admin.goto(f"/desk/rota/?client={net.client_id}&week=2027-03-08")
        tuesday = admin.locator('[data-day="2027-03-09"]')
        assert tuesday.locator('[data-secretary="Partenaire 1"]').count() == 1
        assert tuesday.locator(".gap").count() == 0
        assert admin.locator('#offers [data-state="taken"]').count() == 1
        admin.screenshot(path=str(shots / "rota-after-offer.png"), full_page=True)
    finally:
        desk.close()

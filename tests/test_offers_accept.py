"""A gap offered to the network: the first acceptance takes it, every other reads
"Mission déjà pourvue" (409); an offer over reads 410, another's link 404."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from desk.base.db import Database
from desk.billing.payouts import payouts
from desk.models import AuditEvent, Offer, OfferState, Shift
from desk.offers.activity import activity
from desk.offers.making import offer_gap
from desk.offers.sending import send_due
from tests.conftest import pin_clock
from tests.helpers.offers import BASE_URL, FIXED_CENTS, GAP, NOW, links, network, page


def _offered(db: Database) -> tuple[int, dict[str, str]]:
    with db.session() as s:
        net = network(s)
        offer = offer_gap(s, net.client_id, GAP[0], GAP[1], NOW)
        send_due(s, NOW, BASE_URL)  # the best overflow rank first
        send_due(s, NOW + timedelta(minutes=30), BASE_URL)  # the others after the delay
        return offer.id, links(s)


def test_twenty_acceptances_at_once_have_one_winner_and_nineteen_409s(
    db: Database, app: Flask
) -> None:
    pin_clock(app, NOW)
    offer_id, paths = _offered(db)
    assert len(paths) == 5  # every partner has her own link
    tries = [path for path in paths.values() for _ in range(4)]
    barrier = threading.Barrier(len(tries))

    def accept(path: str) -> tuple[int, str, str]:
        browser = app.test_client()
        shown = page(browser.get(path).get_data(as_text=True))
        barrier.wait()
        answer = browser.post(path, data={"csrf_token": shown.csrf, "answer": "accept"})
        return answer.status_code, path, answer.get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=len(tries)) as pool:
        results = list(pool.map(accept, tries))
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [200] + [409] * 19
    english = paths["+33612000104"]  # the fifth partner reads English
    for status, path, html in results:
        if status == 409:
            expected = "Mission already filled." if path == english else "Mission déjà pourvue."
            assert page(html).texts["alert"] == expected
    winner_path = next(path for status, path, _ in results if status == 200)
    with db.session() as s:
        offer = s.get(Offer, offer_id)
        assert offer is not None and offer.state == OfferState.TAKEN
        shifts = s.scalars(select(Shift).where(Shift.client_id == offer.client_id)).all()
        assert [x.secretary_id for x in shifts] == [offer.taken_by_id]
        lines = payouts(s, "2027-03")
        assert [(p.secretary_id, p.missions, p.earned_cents) for p in lines] == [
            (offer.taken_by_id, 1, FIXED_CENTS)
        ]
        accepted = s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "offer.accept")
        )
        assert accepted == 1
    # Her page now says the mission is hers; another partner's says it is filled.
    browser = app.test_client()
    mine = page(browser.get(winner_path).get_data(as_text=True))
    assert "à vous" in mine.texts["status"] or "yours" in mine.texts["status"]
    assert mine.buttons == []
    other = next(path for path in paths.values() if path not in (winner_path, english))
    filled = page(browser.get(other).get_data(as_text=True))
    assert filled.texts["status"] == "Mission déjà pourvue."


def test_an_expired_link_is_410_and_an_unknown_one_404(db: Database, app: Flask) -> None:
    pin_clock(app, NOW)
    _, paths = _offered(db)
    path = next(iter(paths.values()))
    browser = app.test_client()
    assert browser.get(path).status_code == 200
    assert browser.get(path[:-4] + "AAAA").status_code == 404
    assert app.test_client().post(path, data={"answer": "accept"}).status_code == 400  # no CSRF
    pin_clock(app, GAP[0] + timedelta(minutes=1))
    gone = browser.get(path)
    assert gone.status_code == 410
    assert "expir" in page(gone.get_data(as_text=True)).texts["alert"]


def test_a_decline_is_counted_and_leaves_the_offer_open_for_the_others(
    db: Database, app: Flask
) -> None:
    pin_clock(app, NOW)
    offer_id, paths = _offered(db)
    browser = app.test_client()
    shown = page(browser.get(paths["+33612000100"]).get_data(as_text=True))
    assert shown.buttons == ["accept", "decline"]
    answer = browser.post(
        paths["+33612000100"], data={"csrf_token": shown.csrf, "answer": "decline"}
    )
    assert answer.status_code == 200
    assert page(answer.get_data(as_text=True)).texts["status"].startswith("Vous avez refusé")
    with db.session() as s:
        offer = s.get(Offer, offer_id)
        assert offer is not None and offer.state == OfferState.OPEN
        mine = [a for a in activity(s, NOW) if a.name == "Partenaire 1"]
        assert [(a.received, a.accepted, a.declined) for a in mine] == [(1, 0, 1)]

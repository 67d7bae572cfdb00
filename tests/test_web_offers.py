"""The rota page offers a gap to the network; the gap, once taken, shows the winner on
duty; the people page counts each partner's offers and missions."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from desk.base.db import Database
from tests.conftest import AuthActions, pin_clock
from tests.helpers.html import has_class, one, parse, texts
from tests.helpers.offers import NOW, links, network
from tests.helpers.web import LOGINS


def _forms(html: str) -> list[tuple[str, dict[str, str]]]:
    """Each POST form of the page: its action and hidden fields."""
    return [
        (
            str(form.get("action")),
            {i.get("name"): i.get("value", "") for i in form.xpath(".//input[@type='hidden']")},
        )
        for form in parse(html).xpath("//form[@method='post']")
    ]


def _offer_buttons(html: str, client_id: int) -> list[tuple[str, dict[str, str]]]:
    return [(a, f) for a, f in _forms(html) if a.startswith(f"/desk/rota/{client_id}/offer?")]


def _tuesday(html: str, client_id: int) -> tuple[str, dict[str, str]]:
    return next(
        (a, f)
        for a, f in _offer_buttons(html, client_id)
        if f["starts_at"].startswith("2027-03-09T11:00")
    )


def _accept(app: Flask, path: str) -> int:
    partner = app.test_client()
    token = one(parse(partner.get(path).get_data(as_text=True)), "//input[@name='csrf_token']")
    answer = {"csrf_token": token.get("value"), "answer": "accept"}
    return partner.post(path, data=answer).status_code


def test_a_gap_offered_from_the_rota_page_is_taken_and_shows_the_winner_on_duty(
    db: Database, demo: str, app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    pin_clock(app, NOW)
    with db.session() as s:
        net = network(s)
    auth.login(LOGINS["admin"])
    rota = f"/desk/rota/?client={net.client_id}&week=2027-03-08"
    html = client.get(rota).get_data(as_text=True)
    assert len(_offer_buttons(html, net.client_id)) == 5  # a lunch gap each weekday
    action, fields = _tuesday(html, net.client_id)
    assert client.post(action, data=fields).status_code == 302
    html = client.get(rota).get_data(as_text=True)
    assert "Proposé au réseau (proposition 1) : 2 envoyées sur 5." in html
    assert len(_offer_buttons(html, net.client_id)) == 4
    with db.session() as s:
        path = links(s)["+33612000100"]
    assert _accept(app, path) == 200
    html = client.get(rota).get_data(as_text=True)
    tuesday = one(parse(html), '//section[@data-day="2027-03-09"]')
    assert tuesday.xpath('.//*[@data-secretary="Partenaire 1"]')
    assert not tuesday.xpath(f".//*[{has_class('gap')}]")
    assert 'data-state="taken"' in html and "prise par Partenaire 1" in html

    pin_clock(app, NOW + timedelta(days=2))  # the mission is done
    people = parse(client.get("/desk/people/").get_data(as_text=True))
    rows = people.xpath('//tr[starts-with(@data-activity, "2027-03:")]')
    row = next(r for r in rows if texts(r, "./td")[1] == "Partenaire 1")
    cells = texts(row, "./td")
    assert cells[:6] == ["2027-03", "Partenaire 1", "1", "1", "0", "1"]
    assert cells[6].startswith("45,00")


def test_withdrawing_a_taken_offer_from_the_rota_page_gives_the_gap_back(
    db: Database, demo: str, app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    pin_clock(app, NOW)
    with db.session() as s:
        net = network(s)
    auth.login(LOGINS["admin"])
    rota = f"/desk/rota/?client={net.client_id}&week=2027-03-08"
    action, fields = _tuesday(client.get(rota).get_data(as_text=True), net.client_id)
    client.post(action, data=fields)
    with db.session() as s:
        assert _accept(app, links(s)["+33612000101"]) == 200
    html = client.get(rota).get_data(as_text=True)
    withdraw, hidden = next((a, f) for a, f in _forms(html) if "/withdraw" in a)
    assert client.post(withdraw, data=hidden).status_code == 302
    html = client.get(rota).get_data(as_text=True)
    assert 'data-state="withdrawn"' in html
    assert len(_offer_buttons(html, net.client_id)) == 5
    # A secretary sees the rota but cannot offer a gap.
    auth.logout()
    auth.login(LOGINS["secretary"])
    assert client.post(action, data=fields).status_code == 403

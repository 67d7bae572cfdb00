"""The money side of a new desk from an EMPTY database, in real Chromium: set-up with the
IBAN → a price plan → a client with its number and coverage → a quote for THAT client →
accepted from the link → a pair and a partner with her agreement → calls through signed
webhooks over HTTP → the month's invoice (its PDF carries the IBAN) → the partner's payout.

Set DESK_SCREENSHOT_DIR to keep PNGs of the new pages, desktop and 390×844.
"""

from __future__ import annotations

import io
import os
import re
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from desk.app import create_app
from desk.base.config import load_settings
from desk.base.db import Database
from desk.models import Call, Client, Contract
from desk.request_context import set_clock
from tests.conftest import TWILIO_AUTH_TOKEN, test_overrides
from tests.helpers.browser import LiveServer, free_port, serving
from tests.helpers.twilio import fixture

pytestmark = pytest.mark.browser
PARIS = ZoneInfo("Europe/Paris")
SETUP_DAY = datetime(2026, 10, 1, 9, 0, tzinfo=PARIS)  # a Thursday
LEA, ZOE, NORA = "+33612000042", "+33612000043", "+33612000044"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at.astimezone(UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(SETUP_DAY)


@pytest.fixture
def live_server(db: Database, tmp_path: Path, clock: Clock) -> Iterator[LiveServer]:
    """The app on a free port over an EMPTY database (no demo)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
        overrides=test_overrides(db.url, tmp_path / "instance", server={"public_base_url": url}),
    )
    app = create_app(settings)
    set_clock(app, clock)
    with serving(app, port):
        yield LiveServer(url=url, app=app, settings=settings, db=db)


def shot(page: Page, name: str) -> None:
    """Desktop and phone (390×844) screenshots of the page, when DESK_SCREENSHOT_DIR is set."""
    folder = os.environ.get("DESK_SCREENSHOT_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(folder) / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(Path(folder) / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def status(page: Page) -> None:
    expect(page.get_by_role("status").first).to_be_visible()


def set_up_with_the_iban(page: Page) -> None:
    page.goto("/desk/")
    expect(page).to_have_url(re.compile(r"/desk/setup$"))
    page.fill("[name=desk_name]", "Permanence Lyon")
    page.fill("[name=legal_name]", "Permanence Lyon SAS")
    page.fill("[name=siret]", "732 829 320 00074")
    page.fill("[name=address]", "3 rue de la République\n69001 Lyon")
    page.fill("[name=legal_form]", "SAS")
    page.fill("[name=rcs_city]", "Lyon")
    page.fill("[name=rcs_number]", "732 829 320")
    page.fill("[name=share_capital]", "1 000,00")
    page.fill("[name=iban]", "FR76 3000 6000 0112 3456 7890 188")  # a typo: refused
    page.fill("[name=bic]", "AGRIFRPP")
    page.fill("[name=admin_name]", "Marie Durand")
    page.fill("[name=admin_email]", "marie@permanence-lyon.fr")
    page.fill("[name=password]", "marie-secret-42")
    page.fill("[name=confirm]", "marie-secret-42")
    page.get_by_role("button", name="Créer le secrétariat").click()
    expect(page.locator("#iban-error")).to_contain_text("IBAN valable")
    page.fill("[name=iban]", IBAN)
    page.fill("[name=password]", "marie-secret-42")
    page.fill("[name=confirm]", "marie-secret-42")
    page.get_by_role("button", name="Créer le secrétariat").click()
    expect(page.get_by_role("status").first).to_contain_text("Le secrétariat est créé")
    page.goto("/desk/settings/identity")
    expect(page.locator("[name=iban]")).to_have_value(IBAN)
    shot(page, "identity")


def add_the_plan(page: Page) -> None:
    page.get_by_role("link", name="Tarifs").click()
    page.fill("[name=plan-name]", "Permanence midi")
    page.fill("[name=plan-monthly_fee]", "inf")
    page.fill("[name=plan-included_calls]", "1")
    page.fill("[name=plan-per_call]", "1,20")
    page.get_by_role("button", name="Ajouter la grille").click()
    expect(page.locator("#plan-monthly_fee-error")).to_contain_text("n'est pas un montant")
    page.fill("[name=plan-monthly_fee]", "178,80")
    page.fill("[name=plan-per_minute]", "0,25")
    page.fill("[name=plan-out_of_hours_percent]", "25")
    page.get_by_role("button", name="Ajouter la grille").click()
    expect(page.locator("tr[data-plan='Permanence midi']")).to_contain_text("178,80")
    shot(page, "prices")


def add_the_client(page: Page) -> int:
    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("link", name="Nouveau client").click()
    page.fill("[name=name]", "Cabinet des Lilas")
    page.get_by_role("button", name="Créer le client").click()
    expect(page.locator("h1")).to_have_text("Cabinet des Lilas")
    expect(page.locator("#coverage-not-started")).to_be_visible()
    page.fill("[name=number-number]", "04 99 00 12 34")
    page.locator("#numbers form.row").get_by_role("button", name="Ajouter").click()
    for day in range(5):
        page.locator(f"#coverage input[name=coverage-weekdays][value='{day}']").check()
    page.fill("[name=coverage-start]", "12:00")
    page.fill("[name=coverage-end]", "14:00")
    page.locator("#coverage form").get_by_role("button", name="Ajouter").click()
    expect(page.locator("#coverage li").first).to_contain_text("12:00–14:00")
    expect(page.locator("#contract")).to_contain_text("Aucun contrat en vigueur")
    match = re.search(r"/desk/clients/(\d+)", page.url)
    assert match is not None
    return int(match.group(1))


def quote_and_accept(page: Page, live_server: LiveServer, client_id: int) -> None:
    page.goto(f"/desk/clients/{client_id}")
    page.locator("#quote-button").click()
    expect(page.locator("[name=quote-windows]")).to_have_value("lun-ven 12:00-14:00")
    page.select_option("[name=quote-plan]", label="Permanence midi")
    page.fill("[name=quote-email]", "accueil@cabinet-des-lilas.fr")
    page.fill("[name=quote-calls_per_week]", "30")
    shot(page, "client-quote")
    page.get_by_role("button", name="Envoyer le devis").click()
    link = page.locator("#acceptance-link").get_attribute("href")
    assert link is not None and link.startswith(live_server.url)
    # The client opens the link (no login): reads the quote, accepts it.
    public = page.context.browser.new_context(locale="fr-FR")  # type: ignore[union-attr]
    try:
        tab = public.new_page()
        tab.goto(link)
        quote_pdf = tab.request.get(link + "/devis.pdf").body()
        assert "RCS Lyon 732 829 320" in _pdf_text(quote_pdf)
        tab.fill("[name=name]", "Dr Anne Lilas")
        tab.check("[name=consent]")
        tab.get_by_role("button", name="Accepter le devis").click()
        expect(tab.locator("body")).to_contain_text("Cabinet des Lilas")
    finally:
        public.close()
    page.goto(f"/desk/clients/{client_id}")
    expect(page.locator("#contract")).to_contain_text("Permanence midi")
    expect(page.locator("#coverage-not-started")).to_have_count(0)
    shot(page, "client-contract")


def add_person(page: Page, name: str, phone: str, email: str, partner: bool = False) -> None:
    page.get_by_role("link", name="Équipe").click()
    page.fill("[name=name]", name)
    page.fill("[name=phone]", phone)
    page.fill("[name=email]", email)
    if partner:
        page.check("[name=is_partner]")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("ajouté")
    page.get_by_role("checkbox", name="Cabinet des Lilas").check()
    if partner:
        page.get_by_role("textbox", name="Rang de débordement Cabinet des Lilas").fill("1")
    page.get_by_role("button", name="Enregistrer les formations").click()
    status(page)


def the_pair_and_the_partner(page: Page, client_id: int) -> None:
    add_person(page, "Léa Martin", "06 12 00 00 42", "lea@permanence-lyon.fr")
    add_person(page, "Zoé Petit", "06 12 00 00 43", "zoe@permanence-lyon.fr")
    add_person(page, "Nora Benali", "06 12 00 00 44", "nora@permanence-lyon.fr", partner=True)
    # Her pay, on her own page: a percentage of what the client pays.
    page.fill("[name=agreement-percent]", "60")
    page.fill("[name=agreement-per_mission]", "1,50")
    page.locator("#pay").get_by_role("button", name="Enregistrer l'accord").click()
    expect(page.locator("#agreement-percent-error")).to_contain_text("l'un ou l'autre")
    # The refusal comes back on the Prices page's form, her name picked, the words shown.
    expect(page.locator("[name=agreement-secretary]")).to_have_value("nora@permanence-lyon.fr")
    page.fill("[name=agreement-percent]", "60")
    page.fill("[name=agreement-per_mission]", "")
    page.get_by_role("button", name="Enregistrer l'accord").click()
    expect(page.locator("tr[data-partner='nora@permanence-lyon.fr']")).to_contain_text(
        "60 % de ce que paie le client, pour tous les clients, à partir du 01/10/2026"
    )
    shot(page, "prices-agreements")
    page.get_by_role("link", name="Équipe").click()
    page.get_by_role("link", name="Nora Benali").click()
    expect(page.locator("#pay")).to_contain_text("60 % de ce que paie le client")
    shot(page, "partner-pay")
    for name, rank in (("Léa Martin", "1"), ("Zoé Petit", "2")):
        page.goto(f"/desk/rota/?client={client_id}")
        page.select_option("[name=shift-secretary]", label=name)
        for day in range(5):
            page.locator(f"input[name=shift-weekdays][value='{day}']").check()
        page.fill("[name=shift-start]", "12:00")
        page.fill("[name=shift-end]", "14:00")
        page.fill("[name=shift-rank]", rank)
        page.get_by_role("button", name="Ajouter le créneau").click()
        status(page)


def _signed(live_server: LiveServer, path: str, params: dict[str, str]) -> ET.Element:
    url = live_server(path)
    signature = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(url, params)
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(params).encode(), headers={"X-Twilio-Signature": signature}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return ET.fromstring(response.read())


def a_call(live_server: LiveServer, clock: Clock, at: datetime, sid: str, taker: str) -> None:
    """A caller dials the client's number at `at`; whoever is rung declines until `taker`
    presses 1; the call lasts 150 s. All through Twilio's signed webhooks, over HTTP."""
    clock.at = at
    root = _signed(live_server, "/webhooks/voice/incoming",
                   fixture("voice-incoming-forwarded", CallSid=sid, To="+33499001234"))  # fmt: skip
    step = 0
    while True:
        numbers = [(n.text or "") for n in root.iter("Number")]
        assert numbers, ET.tostring(root)
        taken = taker in numbers
        for number in numbers:
            key = "1" if number == taker else "9"
            leg = fixture("voice-screen-gather", CallSid=f"{sid[:-4]}{number[-4:]}",
                          ParentCallSid=sid, To=number, Digits=key)  # fmt: skip
            _signed(live_server, "/webhooks/voice/screen-result", leg)
        name = "voice-dial-result-completed" if taken else "voice-dial-result-no-answer"
        result = fixture(name, CallSid=sid, DialCallStatus="completed", DialCallDuration="150",
                         DialCallSid=f"CAdial{step}{sid[-6:]}")  # fmt: skip
        root = _signed(live_server, f"/webhooks/voice/dial-result?step={step}", result)
        if taken:
            break
        step += 1
    _signed(live_server, "/webhooks/voice/status",
            fixture("voice-status-completed", CallSid=sid, CallDuration="160"))  # fmt: skip


def _pdf_text(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_money_side_from_an_empty_database(
    page: Page, live_server: LiveServer, clock: Clock
) -> None:
    set_up_with_the_iban(page)
    add_the_plan(page)
    client_id = add_the_client(page)
    quote_and_accept(page, live_server, client_id)
    the_pair_and_the_partner(page, client_id)

    # October: Léa takes a lunch call; then both of the pair decline and Nora takes one.
    a_call(live_server, clock, datetime(2026, 10, 6, 12, 30, tzinfo=PARIS),
           "CA" + "1" * 30 + "0001", LEA)  # fmt: skip
    a_call(live_server, clock, datetime(2026, 10, 7, 12, 40, tzinfo=PARIS),
           "CA" + "2" * 30 + "0002", NORA)  # fmt: skip
    with live_server.db.session() as s:
        handled = s.execute(select(Call.outcome, func.count()).group_by(Call.outcome)).all()
        assert dict(handled) == {"answered": 2}
        assert s.scalar(select(func.count()).select_from(Client)) == 1
        assert s.scalar(select(func.count()).select_from(Contract)) == 1

    clock.at = datetime(2026, 11, 2, 9, 0, tzinfo=PARIS)
    page.goto("/desk/billing/?month=2026-10")
    page.get_by_role("button", name="Émettre les factures de 2026-10").click()
    expect(page.get_by_role("status").first).to_contain_text("1 facture(s)")
    row = page.locator("tr[data-invoice]").first
    number = row.get_attribute("data-invoice")
    assert number is not None
    pdf = page.request.get(f"/desk/billing/invoices/{number}.pdf").body()
    text = _pdf_text(pdf)
    for words in (IBAN, "BIC : AGRIFRPP", "RCS Lyon 732 829 320", "Cabinet des Lilas", "178,80"):
        assert words in text, (words, text)
    shot(page, "billing")

    page.goto("/desk/payouts/?month=2026-10")
    payout = page.locator("tr[data-partner]")
    expect(payout).to_have_count(1)
    expect(payout).to_contain_text("Nora Benali")
    # Her call is the second of the month: the first was in the fee. Beyond it: 1,20 € +
    # 3 started minutes × 0,25 € = 1,95 €; her 60 % is 1,17 €.
    expect(payout).to_contain_text("1,17 €")
    shot(page, "payouts")

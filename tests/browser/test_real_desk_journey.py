"""A new desk from an EMPTY database (no demo), in real Chromium: set-up page → admin → a
client with two practitioners, opening hours, two appointment types, coverage Mon–Fri
12–14 → a secretary invited by e-mail (a real SMTP server receives it; its link sets her
password) → her shift → a simulated call at 12:30 rings her → she books, and the booking
is in the practitioner's calendar feed.

Set DESK_SCREENSHOT_DIR to keep PNGs of the set-up page, the client page and the portal.
"""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from desk.app import create_app
from desk.base.config import load_settings
from desk.base.db import Database
from desk.models import Appointment, Client, FeedToken, Practitioner
from desk.outbox.dispatch import Dispatcher
from desk.request_context import set_clock
from tests.conftest import TWILIO_AUTH_TOKEN, test_overrides
from tests.helpers.browser import LiveServer, free_port, serving, shot
from tests.helpers.local_servers import SmtpServer, smtp_overrides
from tests.helpers.twilio import fixture

pytestmark = pytest.mark.browser
PARIS = ZoneInfo("Europe/Paris")
# Tuesday after the spring change to summer time (28 March 2027; Monday 29 is Easter
# Monday, a public holiday: the desk is closed then, as the rota page shows).
MORNING = datetime(2027, 3, 30, 9, 0, tzinfo=PARIS)
LUNCH = datetime(2027, 3, 30, 12, 30, tzinfo=PARIS)
LEA_PHONE = "+33612000042"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def live_server(db: Database, tmp_path: Path, smtp: SmtpServer) -> Iterator[LiveServer]:
    """The app on a free port over an EMPTY database (this module's own: no demo)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    overrides = test_overrides(
        db.url, tmp_path / "instance", server={"public_base_url": url}, **smtp_overrides(smtp)
    )
    settings = load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "none.toml")}, overrides=overrides
    )
    app = create_app(settings)
    set_clock(app, lambda: MORNING.astimezone(UTC))
    with serving(app, port):
        yield LiveServer(url=url, app=app, settings=settings, db=db)


def submit(page: Page, form: str, button: str) -> None:
    page.locator(form).get_by_role("button", name=button).click()


def set_up_the_desk(page: Page) -> None:
    page.goto("/desk/")
    expect(page).to_have_url(re.compile(r"/desk/setup$"))
    shot(page, "setup")
    page.fill("[name=desk_name]", "Permanence Lyon")
    page.fill("[name=legal_name]", "Marie Durand EI")
    page.fill("[name=siret]", "732 829 320 00074")
    page.fill("[name=address]", "3 rue de la République\n69001 Lyon")
    page.fill("[name=admin_name]", "Marie Durand")
    page.fill("[name=admin_email]", "marie@permanence-lyon.fr")
    page.fill("[name=password]", "marie-secret-42")
    page.fill("[name=confirm]", "marie-secret-42")
    page.get_by_role("button", name="Créer le secrétariat").click()
    expect(page.get_by_role("status")).to_contain_text("Le secrétariat est créé")


def create_the_client(page: Page) -> None:
    page.get_by_role("link", name="Nouveau client").click()
    page.fill("[name=name]", "Cabinet des Lilas")
    # No quote was signed: the admin starts coverage now and writes why.
    page.check("[name=start_without_quote]")
    page.fill("[name=start_reason]", "Contrat papier signé au cabinet")
    page.get_by_role("button", name="Créer le client").click()
    expect(page.locator("h1")).to_have_text("Cabinet des Lilas")
    page.fill("[name=number-number]", "04 99 00 12 34")
    submit(page, "#numbers form.row", "Ajouter")
    for name in ("Dr Alice Roux", "Dr Bruno Blanc"):
        page.fill("[name=practitioner-name]", name)
        page.get_by_role("button", name="Ajouter le praticien").click()
        expect(page.locator(f"[data-practitioner='{name}']")).to_be_visible()
    for name in ("Dr Alice Roux", "Dr Bruno Blanc"):
        page.select_option("[name=hours-practitioner]", label=name)
        for day in range(5):
            page.locator(f"#hours input[name=hours-weekdays][value='{day}']").check()
        page.fill("[name=hours-start]", "09:00")
        page.fill("[name=hours-end]", "18:00")
        page.get_by_role("button", name="Ajouter les horaires").click()
        expect(page.get_by_role("status")).to_contain_text("Horaires ajoutés")
    for name, minutes in (("Consultation", "30"), ("Détartrage", "45")):
        page.fill("[name=type-name]", name)
        page.fill("[name=type-duration_minutes]", minutes)
        page.get_by_role("button", name="Ajouter le type").click()
        expect(page.locator(f"[data-type='{name}']")).to_be_visible()
    # The reversed-window mistake is refused, next to the field.
    for day in range(5):
        page.locator(f"#coverage input[name=coverage-weekdays][value='{day}']").check()
    page.fill("[name=coverage-start]", "14:00")
    page.fill("[name=coverage-end]", "12:00")
    submit(page, "#coverage form", "Ajouter")
    expect(page.locator("#coverage-end-error")).to_contain_text("cochez « De nuit »")
    for day in range(5):
        page.locator(f"#coverage input[name=coverage-weekdays][value='{day}']").check()
    page.fill("[name=coverage-start]", "12:00")
    page.fill("[name=coverage-end]", "14:00")
    submit(page, "#coverage form", "Ajouter")
    expect(page.locator("#coverage li").first).to_contain_text("12:00–14:00")
    page.select_option("[name=feed-practitioner]", label="Dr Alice Roux")
    page.get_by_role("button", name="Créer un flux").click()
    shot(page, "client")


def invite_lea(page: Page, live_server: LiveServer, smtp: SmtpServer) -> str:
    page.get_by_role("link", name="Équipe").click()
    page.fill("[name=name]", "Léa Martin")
    page.fill("[name=phone]", "06 12 00 00 42")
    page.fill("[name=email]", "lea@example.fr")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Secrétaire ajoutée")
    page.get_by_role("checkbox", name="Cabinet des Lilas").check()
    page.get_by_role("button", name="Enregistrer les formations").click()
    expect(page.get_by_role("status")).to_contain_text("Formations enregistrées")
    # The outbox goes out after commit (here by hand: no scheduler runs in this server).
    Dispatcher(live_server.db, live_server.settings, clock=lambda: MORNING.astimezone(UTC)).run()
    (mail,) = [m for m in smtp.messages if m["To"] == "lea@example.fr"]
    body = mail.get_body(("plain",))
    assert body is not None
    found = re.search(r"http://\S+/desk/password/\S+", body.get_content())
    assert found is not None
    return found.group(0)


def add_her_shift(page: Page, client_id: int) -> None:
    page.goto(f"/desk/rota/?client={client_id}")
    page.select_option("[name=shift-secretary]", label="Léa Martin")
    for day in range(5):
        page.locator(f"input[name=shift-weekdays][value='{day}']").check()
    page.fill("[name=shift-start]", "12:00")
    page.fill("[name=shift-end]", "14:00")
    page.get_by_role("button", name="Ajouter le créneau").click()
    expect(page.get_by_role("status")).to_be_visible()
    shot(page, "rota")


def call_at_lunch(live_server: LiveServer) -> list[str]:
    """Twilio's first webhook, signed, over real HTTP; the numbers the TwiML dials."""
    set_clock(live_server.app, lambda: LUNCH.astimezone(UTC))
    params = fixture("voice-incoming-forwarded", To="+33499001234")
    url = live_server("/webhooks/voice/incoming")
    signature = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(url, params)
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(params).encode(),
        headers={"X-Twilio-Signature": signature},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        root = ET.fromstring(body)
    return [(n.text or "") for n in root.iter("Number")]


def test_a_new_desk_from_an_empty_database_to_a_booking_in_the_feed(
    page: Page, live_server: LiveServer, smtp: SmtpServer
) -> None:
    set_up_the_desk(page)
    create_the_client(page)
    with live_server.db.session() as s:
        client_id = s.scalars(select(Client.id).where(Client.slug == "cabinet-des-lilas")).one()
    link = invite_lea(page, live_server, smtp)
    add_her_shift(page, client_id)
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto(link)
    page.fill("[name=password]", "lea-secret-42")
    page.fill("[name=confirm]", "lea-secret-42")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.get_by_role("status")).to_contain_text("Bienvenue")

    assert call_at_lunch(live_server) == [LEA_PHONE]

    page.goto("/desk/book")
    page.select_option("#practitioner_id", label="Dr Alice Roux")
    page.select_option("#type_id", label="Consultation (30 min)")
    page.get_by_role("button", name="Voir les créneaux libres").click()
    first = page.locator("#slots input[type=radio]").first
    chosen = first.get_attribute("value")
    assert chosen is not None
    first.check()
    page.fill("#patient_name", "Jeanne Petit")
    page.fill("#patient_phone", "06 12 34 56 78")
    page.get_by_role("button", name="Confirmer le rendez-vous").click()
    expect(page.get_by_role("status")).to_contain_text("Le rendez-vous est pris.")

    with live_server.db.session() as s:
        roux = s.scalars(select(Practitioner.id).where(Practitioner.name == "Dr Alice Roux")).one()
        token = s.scalars(select(FeedToken.token).where(FeedToken.practitioner_id == roux)).one()
        uid = s.scalars(select(Appointment.uid)).one()
    with urllib.request.urlopen(live_server(f"/feeds/{token}.ics"), timeout=10) as response:
        feed = icalendar.Calendar.from_ical(response.read())
    (event,) = [e for e in feed.walk("VEVENT") if str(e["UID"]) == uid]
    assert event.decoded("DTSTART").astimezone(UTC) == datetime.fromisoformat(chosen).astimezone(
        UTC
    )

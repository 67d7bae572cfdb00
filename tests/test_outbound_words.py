"""Every outbound text (SMS, e-mail, TwiML phrase, public page) is written in its reader's
language: the client's `locale` for the practice and its patients, the secretary's for her,
each admin's for a gap alert. The same data rendered for a French and an English reader
must be French and English; and no module that builds one keeps a French sentence outside
the catalogue."""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk.app import create_app
from desk.base.config import load_settings
from desk.base.db import Database
from desk.billing.quotes import Needs, create_quote
from desk.billing.wording import KEYS, balance_text, wording
from desk.calls.decisions import NOT_IN_SERVICE, VOICEMAIL, Decision
from desk.messages.digest import Booking, digest_email, digest_sms
from desk.messages.intake import notify_missed_call, record_voicemail, take_message
from desk.models import Appointment, Client, DeskIdentity, DeskNumber, Message, Outbox, Quote, User
from desk.models.states import MessageSource, Urgency
from desk.rota.gap_alerts import gap_alert
from scheduling.booking import book
from scheduling.cancel import cancel_by_sms
from scheduling.change_notices import cancelled_text, moved_text
from scheduling.reminders import send_due_reminders
from tests.conftest import AuthActions, demo_id, pin_clock, test_overrides
from tests.helpers.appointments import NOW, make_practice
from tests.helpers.messages import TUESDAY_NOON, make_call, make_client, make_secretary
from tests.helpers.routing import CLAIRE, demo_client, paris, secretary, twiml
from tests.helpers.twilio import fixture, signed_post
from webhooks.twiml import VoiceConfig, for_decision, screen_prompt, voicemail_saved

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("fr", "en")
BASE_URL = "http://127.0.0.1:5000"
MONDAY_9 = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)  # 09:00 in Paris
# Names that are neither French nor English, so only the desk's own words can be French.
NAME = "Park Surgery"

# Letters French writes and English does not, and short French words no English text has.
FRENCH = re.compile(
    r"[àâçéèêëîïôûùüÿœ«»]|\b(?:de|du|des|le|la|les|pour|votre|vous|avec|au|aux|est|rdv|"
    r"rendez|annuler|rappel|vocal|appel|appelez|masqué|permanence|aucun|merci|personne|"
    r"planning|garde|devis|facture|motif|appelant|cabinet|reçu|trop|lien|ce|sur|appuyez|bonjour)\b",
    re.IGNORECASE,
)


def french(text: str) -> bool:
    return FRENCH.search(text) is not None


def assert_language(texts: list[str], locale: str) -> None:
    assert texts
    for text in texts:
        if locale == "fr":
            assert french(text), f"not French: {text!r}"
        else:
            assert not french(text), f"French in an English text: {text!r}"


class _Text(HTMLParser):
    """The words a reader sees: no style sheet, no script, and not the desk's own name
    (`.brand`, a proper noun such as "Permanence (démo)")."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.skipping or tag in ("style", "script") or "brand" in classes:
            self.skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if data.strip() and not self.skipping:
            self.parts.append(data.strip())


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def outbox_texts(session: Session) -> list[str]:
    texts = []
    for row in session.scalars(select(Outbox).order_by(Outbox.id)):
        texts += [row.body] + ([row.subject] if row.subject else [])
        if row.html_body:
            texts.append(html_text(row.html_body))
    return texts


def client_in(session: Session, locale: str, **options: object) -> Client:
    """A client speaking `locale`, with a name in neither language."""
    client = make_client(session, **options)  # type: ignore[arg-type]
    client.name, client.locale = NAME, locale
    session.flush()
    return client


@pytest.mark.parametrize("locale", LOCALES)
def test_message_sms_and_e_mails_follow_the_clients_locale(session: Session, locale: str) -> None:
    client = client_in(session, locale)
    take_message(
        session,
        client_id=client.id,
        caller_name="Mrs Brown",
        caller_number="0611223344",
        reason="Prescription",
        body="Please call back",
        urgency=Urgency.URGENT,
        now=TUESDAY_NOON,
    )
    call = make_call(session, client, caller="")  # a hidden number
    record_voicemail(
        session,
        call,
        recording_url="http://127.0.0.1/rec",
        duration_seconds=12,
        transcription="Call me back",
    )
    texts = outbox_texts(session)
    assert len(texts) == 2 * 4  # an SMS and an e-mail (subject, text, HTML) per message
    assert_language(texts, locale)
    assert any("URGENT" in text for text in texts)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_secretary_hears_of_voicemails_and_missed_calls_in_her_language(
    session: Session, locale: str
) -> None:
    client = client_in(session, "fr" if locale == "en" else "en", contacts=[])
    secretary = make_secretary(session)
    session.add(
        User(
            email="alice@desk.test",
            password_hash="-",
            role="secretary",
            locale=locale,
            secretary_id=secretary.id,
        )
    )
    voicemail = make_call(session, client, plan=[secretary.id], caller="")
    record_voicemail(session, voicemail, recording_url="http://127.0.0.1/r", duration_seconds=9)
    missed = make_call(session, client, plan=[secretary.id], caller="+33611223344")
    notify_missed_call(session, missed)
    rows = list(session.scalars(select(Outbox).order_by(Outbox.id)))
    assert [row.kind for row in rows] == ["voicemail-summary", "missed-call"]
    assert all(row.recipient == secretary.phone for row in rows)
    assert_language([row.body for row in rows], locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_digest_follows_the_clients_locale(session: Session, locale: str) -> None:
    client = client_in(session, locale, delivery="digest")
    message = take_message(
        session, client_id=client.id, caller_name="Mrs Brown", body="Call back", now=TUESDAY_NOON
    )
    voicemail = record_voicemail(
        session, make_call(session, client), recording_url="http://127.0.0.1/r", duration_seconds=5
    )
    end = TUESDAY_NOON + timedelta(hours=1)
    for bookings in ([], [Booking(end + timedelta(days=1), "Dr Smith", "John Smith")]):
        sms = digest_sms(client, TUESDAY_NOON, end, [message, voicemail], bookings)
        subject, text, html = digest_email(client, TUESDAY_NOON, end, [message], bookings)
        assert_language([sms, subject, text, html_text(html)], locale)
    many = [message] * 40  # the SMS stops and points to the e-mail
    assert_language([digest_sms(client, TUESDAY_NOON, end, many, [])], locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_patients_sms_follow_the_clients_locale(db: Database, locale: str) -> None:
    with db.session() as session:
        practice = make_practice(session, locale=locale)
        practice.client.name, practice.practitioner.name = NAME, "Dr Smith"
        session.add(DeskNumber(number="+33199001234", client_id=practice.client.id))
        session.commit()
        booked = [
            book(
                session,
                **practice.ids,
                starts_at=starts_at,
                patient_name="John Smith",
                patient_phone="0612345678",
                now=NOW,
                public_base_url=BASE_URL,
            )
            for starts_at in (MONDAY_9, MONDAY_9 + timedelta(days=1))
        ]
        session.commit()
        assert send_due_reminders(session, MONDAY_9 - timedelta(hours=20), BASE_URL) == 2
        texts = outbox_texts(session)
        assert [row.kind for row in session.scalars(select(Outbox))].count("confirmation") == 2
        client = practice.client
        texts.append(moved_text(booked[0], client, "Dr Smith", BASE_URL))
        texts.append(cancelled_text(booked[0], client))
        client.own_line = None
        texts.append(cancelled_text(booked[0], client))
        # ANNULER: too close (within the 4 h cut-off), then cancelled, then nothing left.
        for at in (MONDAY_9 - timedelta(hours=1), NOW, NOW):
            reply = cancel_by_sms(session, "+33612345678", "+33199001234", "ANNULER", at)
            assert reply is not None
            texts.append(reply)
            session.commit()
        replies = texts[-3:]
        assert len(set(replies)) == 3
    assert_language(texts, locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_cancel_page_follows_the_clients_locale(
    db: Database, app: Flask, client: FlaskClient, locale: str
) -> None:
    with db.session() as session:
        practice = make_practice(session, locale=locale)
        practice.client.name, practice.practitioner.name = NAME, "Dr Smith"
        appt = book(session, **practice.ids, starts_at=MONDAY_9, patient_name="J. S.", now=NOW)
        session.commit()
        token = appt.cancel_token
    pages = []
    pin_clock(app, NOW)
    pages.append(client.get(f"/c/{token}", headers={"Accept-Language": "de"}))
    pin_clock(app, MONDAY_9 - timedelta(hours=1))  # within the cut-off
    pages.append(client.get(f"/c/{token}"))
    pin_clock(app, NOW)
    pages.append(client.post(f"/c/{token}"))
    assert [page.status_code for page in pages] == [200, 200, 200]
    with db.session() as session:
        assert session.get(Appointment, appt.id).status == "cancelled"  # type: ignore[union-attr]
    html = [page.get_data(as_text=True) for page in pages]
    assert all(f'<html lang="{locale}">' in page for page in html)
    assert_language([html_text(page) for page in html], locale)


def test_an_english_desk_sends_its_quote_and_shows_its_page_in_english(
    demo: str, db: Database, tmp_path: Path
) -> None:
    settings = load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "no-config.toml")},
        overrides=test_overrides(db.url, tmp_path / "instance", server={"default_locale": "en"}),
    )
    app = create_app(settings)
    with db.session() as session:
        session.execute(update(DeskIdentity).values(legal_name="Bright Desk Ltd"))
        _, token = create_quote(
            session,
            prospect_name="Bright Physio",
            prospect_email="hello@bright.test",
            plan_name="Permanence essentielle",
            needs=Needs(["Mon-Fri 12:00-14:00"], 40, []),
            now=NOW,
            base_url=BASE_URL,
            locale=settings["server.default_locale"],
        )
        [mail] = session.scalars(select(Outbox).where(Outbox.kind == "quote"))
        sha = session.scalars(select(Quote.pdf_sha256)).one()
    pin_clock(app, NOW)
    try:
        browser = app.test_client()
        pages = [browser.get(f"/quote/{token}"), browser.get("/quote/unknown")]
        pages.append(
            browser.post(f"/quote/{token}", data={"name": "", "consent": "", "sha256": sha})
        )
        pages.append(
            browser.post(
                f"/quote/{token}",
                data={"name": "Ann Bright", "consent": "bon pour accord", "sha256": sha},
            )
        )
    finally:
        app.extensions["desk.db"].dispose()
    assert [page.status_code for page in pages] == [200, 404, 422, 200]
    texts = [mail.subject or "", mail.body] + [html_text(p.get_data(as_text=True)) for p in pages]
    # The consent's formula is the French legal one in every language (the form posts it).
    assert '"bon pour accord"' in texts[2]
    texts = [text.replace('"bon pour accord"', "") for text in texts]
    assert_language(texts, "en")


@pytest.mark.parametrize("locale", LOCALES)
def test_invoice_e_mails_default_to_the_clients_language(session: Session, locale: str) -> None:
    values = {
        "number": "F2027-0001",
        "seller": "Bright Desk Ltd",
        "issued": "01/03/2027",
        "due": "31/03/2027",
        "total": "120,00 €",
        "balance": balance_text("20,00 €", locale),
    }
    texts = []
    for key in KEYS:
        words = wording(session, key, locale)
        texts += [words.subject.format(**values), words.body.format(**values)]
    assert_language(texts, locale)
    assert all("20,00 €" in text for text in texts[1::2])


@pytest.mark.parametrize("locale", LOCALES)
def test_gap_alerts_follow_the_admins_locale(locale: str) -> None:
    start = datetime(2027, 3, 8, 12, 0)
    subject, body = gap_alert(NAME, start, start + timedelta(hours=2), 120, locale)
    assert_language([subject, body], locale)
    assert ("lun." if locale == "fr" else "Mon") in subject


@pytest.mark.parametrize("locale", LOCALES)
def test_twiml_phrases_follow_the_callers_or_the_secretarys_locale(locale: str) -> None:
    cfg = VoiceConfig(base_url=BASE_URL, voice="Polly.Lea", language="fr-FR", ring_timeout=20)
    responses = [
        for_decision(Decision(VOICEMAIL, NAME, locale=locale), cfg),
        for_decision(Decision(NOT_IN_SERVICE, locale=locale), cfg),
        voicemail_saved(locale, cfg),
        screen_prompt(NAME, cfg, locale),
        screen_prompt("", cfg, locale),
    ]
    said = [
        (say.text or "", say.get("language", ""))
        for response in responses
        for say in ET.fromstring(response).iter("Say")
    ]
    assert len(said) == len(responses)
    assert_language([text for text, _ in said], locale)
    assert {language for _, language in said} == {"fr-FR" if locale == "fr" else "en-GB"}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_caller_is_thanked_in_the_practices_language_and_she_screened_in_hers(
    app: Flask, client: FlaskClient, demo: str, db: Database, locale: str
) -> None:
    hers = "en" if locale == "fr" else "fr"
    with db.session() as session:
        practice = demo_client(session)
        practice.locale, practice.name = locale, NAME
        claire = secretary(session, "Claire")
        session.execute(update(User).where(User.secretary_id == claire.id).values(locale=None))
        session.add(
            User(email="claire@desk.test", password_hash="-", role="secretary", locale=hers)
        )
        session.flush()
        session.execute(
            update(User).where(User.email == "claire@desk.test").values(secretary_id=claire.id)
        )
        session.commit()
    pin_clock(app, paris(2027, 3, 30, 12, 41))  # lunch: Claire is on duty
    signed_post(client, "/webhooks/voice/incoming", fixture("voice-incoming-forwarded"))
    leg = fixture("voice-screen-gather", CallSid="CAleg00" + CLAIRE[-4:], To=CLAIRE)
    for key in ("Digits", "FinishedOnKey", "msg"):
        leg.pop(key)
    prompt = twiml(signed_post(client, "/webhooks/voice/screen", leg))
    thanks = twiml(signed_post(client, "/webhooks/voice/voicemail", fixture("voice-record-action")))
    [to_her] = prompt.iter("Say")
    [to_caller] = thanks.iter("Say")
    assert_language([to_her.text or ""], hers)
    assert_language([to_caller.text or ""], locale)
    languages = {"fr": "fr-FR", "en": "en-GB"}
    assert (to_her.get("language"), to_caller.get("language")) == (
        languages[hers],
        languages[locale],
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_a_voicemails_reason_is_shown_in_the_readers_language(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database, locale: str
) -> None:
    with db.session() as session:
        session.execute(
            update(User).where(User.email == "claire@permanence.test").values(locale=locale)
        )
        session.add(
            Message(
                client_id=demo_id(session),
                source=MessageSource.VOICEMAIL,
                reason="Message vocal",  # as record_voicemail stores it
                body="",
                caller_number="+33611223344",
                created_at=datetime.now(UTC),
            )
        )
        session.commit()
    auth.login("claire@permanence.test")
    pages = [client.get("/desk/messages/"), client.get("/desk/")]
    assert [page.status_code for page in pages] == [200, 200]
    for page in pages:
        text = html_text(page.get_data(as_text=True))
        shown, other = ("Message vocal", "Voice message")[:: 1 if locale == "fr" else -1]
        assert shown in text and other not in text


# --- the source: no French sentence left outside the catalogue ---------------------------

BUILDERS = (
    "desk/messages/notify.py",
    "desk/messages/intake.py",
    "desk/messages/digest.py",
    "desk/messages/inbound_sms.py",
    "desk/calls/receipts.py",
    "desk/billing/collection.py",
    "desk/billing/wording.py",
    "desk/rota/notices.py",
    "desk/api/problems.py",
    "desk/api/appointments.py",
    "desk/web/public.py",
    "desk/web/billing_public.py",
    "scheduling/reminders.py",
    "scheduling/cancel.py",
    "scheduling/change_notices.py",
    "webhooks/twiml.py",
    "webhooks/voice.py",
)
PAGES = (
    "desk/templates/scheduling/cancel.html",
    "desk/templates/scheduling/cancel_unknown.html",
    "desk/templates/billing/quote_accept.html",
    "desk/templates/billing/quote_done.html",
    "desk/templates/billing/quote_gone.html",
)
# French that is data, not words shown: stored values, a keyword patients type, a form value.
NOT_WORDS = {
    ("desk/messages/intake.py", "Message vocal"),  # Message.reason as stored (reason_label)
    ("desk/messages/inbound_sms.py", "Réponse SMS"),
    ("scheduling/cancel.py", "ANNULER"),  # the keyword a patient replies
    ("scheduling/cancel.py", "lien SMS"),  # the cancellation's reason in the audit trail
    ("scheduling/cancel.py", "SMS ANNULER"),
    ("desk/web/billing_public.py", "bon pour accord"),  # the consent checkbox's value
    ("desk/web/billing_public.py", "/quote/<token>/devis.pdf"),  # a public URL, kept
    ("webhooks/twiml.py", "de"),  # a language code
    ("webhooks/twiml.py", "de-DE"),
}
GETTEXT = {"_", "N_", "_l", "gettext", "ngettext", "lazy_gettext"}


def _literals(tree: ast.Module) -> list[tuple[int, str]]:
    """String literals outside docstrings and outside gettext calls, with their line."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):  # a docstring
            skip.add(id(first.value))
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else ""
            if name in GETTEXT:
                skip.update(id(arg) for arg in ast.walk(node))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def test_no_french_literal_is_left_in_the_modules_that_build_outbound_texts() -> None:
    found = []
    for name in BUILDERS:
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        for line, text in _literals(tree):
            if french(text) and (name, text) not in NOT_WORDS:
                found.append(f"{name}:{line}: {text!r}")
    assert not found, "French outside the catalogue (use _() and fill the .po):\n" + "\n".join(
        found
    )


def test_the_scan_sees_a_french_literal() -> None:
    tree = ast.parse('"""Un docstring."""\nx = _("Le patient")\ny = f"RDV du {x}"\n')
    assert [text for _, text in _literals(tree) if french(text)] == ["RDV du "]


JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


@pytest.mark.parametrize("name", PAGES)
def test_public_pages_have_no_french_outside_the_catalogue(name: str) -> None:
    source = (ROOT / name).read_text(encoding="utf-8")
    words = html_text(JINJA.sub(" ", source))
    assert not french(words), f"{name}: {words!r}"

"""The desk's identity for invoices: legal form, RCS, share capital, IBAN and BIC (checked by
python-stdnum), payment terms; asked on set-up and on the identity page, printed on quotes and
invoices, the IBAN carried in the Factur-X data as a SEPA credit transfer."""

from __future__ import annotations

import io
from xml.etree import ElementTree as ET

import facturx
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from desk.base.db import Database
from desk.billing.invoices import issue_statements
from desk.billing.quotes import Needs, create_quote
from desk.models import DeskIdentity, Invoice, User
from tests.conftest import AuthActions
from tests.helpers.billing import NOW, october_of_calls
from tests.helpers.web import LOGINS, post

SETUP = {
    "desk_name": "Permanence Lyon",
    "legal_name": "Permanence Lyon SAS",
    "siret": "732 829 320 00074",
    "address": "3 rue de la République\n69001 Lyon",
    "vat_status": "franchise",
    "vat_number": "",
    "timezone": "Europe/Paris",
    "legal_form": "SAS",
    "rcs_city": "Lyon",
    "rcs_number": "732 829 320",
    "share_capital": "1 000,00",
    "iban": "fr76 3000 6000 0112 3456 7890 189",
    "bic": "AGRIFRPP",
    "payment_days": "45",
    "admin_name": "Marie Durand",
    "admin_email": "marie@permanence-lyon.fr",
    "password": "un-mot-de-passe",
    "confirm": "un-mot-de-passe",
}
IBAN = "FR7630006000011234567890189"
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"


def test_set_up_asks_the_invoice_identity(client: FlaskClient, db: Database) -> None:
    page = client.get("/desk/setup").get_data(as_text=True)
    assert 'name="iban"' in page and 'name="rcs_city"' in page
    response = post(client, "/desk/setup", SETUP)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with db.session() as s:
        row = DeskIdentity.get(s)
        assert row is not None
        got = (row.legal_form, row.rcs_city, row.rcs_number, row.share_capital_cents)
        assert got == ("SAS", "Lyon", "732829320", 100000)
        assert (row.iban, row.bic, row.payment_days) == (IBAN, "AGRIFRPP", 45)


def test_bad_invoice_identity_is_explained_next_to_its_field(
    client: FlaskClient, db: Database
) -> None:
    client.get("/desk/setup")
    cases = {
        "iban": ("FR76 3000 6000 0112 3456 7890 188", "IBAN"),
        "bic": ("AGRI", "BIC"),
        "rcs_number": ("", "RCS"),
        "share_capital": ("inf", "montant"),
        "payment_days": ("90", "60 jours"),
    }
    for name, (value, words) in cases.items():
        response = post(client, "/desk/setup", {**SETUP, name: value})
        assert response.status_code == 400, name
        page = response.get_data(as_text=True).replace("&#39;", "'")
        assert f'id="{name}-error"' in page, name
        assert words in page, (name, page[-2000:])
    with db.session() as s:
        assert s.scalar(select(User.id)) is None


def _xml(pdf: bytes) -> ET.Element:
    name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert name == "factur-x.xml"
    return ET.fromstring(xml)


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_invoices_and_quotes_carry_the_identity_and_the_iban(
    client: FlaskClient, db: Database, demo: str
) -> None:
    AuthActions(client).login(LOGINS["admin"])
    page = client.get("/desk/settings/identity").get_data(as_text=True)
    assert 'name="iban"' in page
    fields = {k: SETUP[k] for k in SETUP if k not in ("admin_name", "admin_email", "password",
                                                     "confirm")}  # fmt: skip
    response = post(client, "/desk/settings/identity", fields)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    page = client.get("/desk/settings/identity").get_data(as_text=True)
    assert "FR76 3000 6000 0112 3456 7890 189" in page and "1000,00" in page
    with db.session() as session:
        october_of_calls(session)
        [issued] = issue_statements(session, "2026-10", NOW)
        pdf = session.scalar(select(Invoice.pdf).where(Invoice.number == issued.number))
        assert pdf is not None
        quote, _token = create_quote(
            session, prospect_name="Kiné Lumière", prospect_email="k@lumiere.test",
            plan_name="Permanence essentielle", needs=Needs([], 10, []), now=NOW,
            base_url="https://desk.example.test",
        )  # fmt: skip
        quote_pdf = quote.pdf
    text = _text(pdf)
    expected = ("SAS au capital de 1", "RCS Lyon 732 829 320", "BIC : AGRIFRPP",
                "FR76 3000 6000 0112 3456 7890 189")  # fmt: skip
    for words in expected:
        assert words in text, (words, text)
    means = _xml(pdf).find(f".//{RAM}SpecifiedTradeSettlementPaymentMeans")
    assert means is not None
    assert means.findtext(f"{RAM}TypeCode") == "58"
    assert means.findtext(f"{RAM}PayeePartyCreditorFinancialAccount/{RAM}IBANID") == IBAN
    quote_text = _text(quote_pdf)
    assert "RCS Lyon 732 829 320" in quote_text and "IBAN" in quote_text

"""The invoice PDF is a Factur-X: its XML passes the XSD check and says what the page says."""

from __future__ import annotations

import io
import re
from xml.etree import ElementTree as ET

import facturx
import pytest
from pypdf import PdfReader

from desk.base.db import Database
from desk.billing.invoices import credit_note, invoice_by_number, issue_statements
from desk.billing.money import euros, plain
from tests.helpers.billing import NOW, october_of_calls

RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"


@pytest.fixture
def pdf(demo: str, db: Database) -> bytes:
    with db.session() as session:
        october_of_calls(session)
    with db.session() as session:
        [issued] = issue_statements(session, "2026-10", NOW)
        return invoice_by_number(session, issued.number).pdf


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _amount(xml: ET.Element, name: str) -> str:
    found = xml.find(f".//{RAM}{name}")
    assert found is not None and found.text is not None
    return found.text


def test_the_embedded_xml_validates_and_its_totals_are_the_pages(pdf: bytes) -> None:
    filename, xml_bytes = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    assert facturx.xml_check_xsd(xml_bytes, flavor="factur-x", level="basic")
    assert b"urn:factur-x.eu:1p0:basic" in xml_bytes
    xml = ET.fromstring(xml_bytes)
    text = _text(pdf)
    totals = {name: _amount(xml, name) for name in
              ("TaxBasisTotalAmount", "TaxTotalAmount", "GrandTotalAmount")}  # fmt: skip
    assert totals == {
        "TaxBasisTotalAmount": plain(9924),
        "TaxTotalAmount": plain(1985),
        "GrandTotalAmount": plain(11909),
    }
    for cents in (9924, 1985, 11909):
        assert euros(cents).replace("\u202f", " ") in text.replace("\u202f", " ")
    line_totals = [
        e.text for e in xml.iter(f"{RAM}LineTotalAmount")
    ]  # the lines, then the header sum
    assert sum(int(t.replace(".", "")) for t in line_totals[:-1] if t) == 9924
    assert re.search(r"SIREN : 732829320", text) and re.search(r"SIREN : 812345676", text)
    assert "40 €" in text and "12,00 %" in text


def test_a_credit_note_is_a_factur_x_381_that_names_the_invoice(demo: str, db: Database) -> None:
    with db.session() as session:
        october_of_calls(session)
    with db.session() as session:
        [issued] = issue_statements(session, "2026-10", NOW)
        note = credit_note(session, issued.number, "erreur de comptage", NOW)
    _, xml_bytes = facturx.get_xml_from_pdf(note.pdf, check_xsd=True)
    xml = ET.fromstring(xml_bytes)
    assert xml.find(".//{*}ExchangedDocument/{*}TypeCode").text == "381"  # type: ignore[union-attr]
    assert _amount(xml, "IssuerAssignedID") == issued.number
    assert "Avoir" in _text(note.pdf).split("\n")[0] or "AVOIR" in _text(note.pdf)


def test_the_pdf_has_what_pdf_a_3_asks_embedded_fonts_an_output_intent_xmp(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    [intent] = root["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"
    assert b"pdfaid:part" in root["/Metadata"].get_object().get_data()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()
            assert "/FontDescriptor" in descendant, descendant["/BaseFont"]
            assert "/FontFile2" in descendant["/FontDescriptor"]

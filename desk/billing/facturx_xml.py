"""The Factur-X (CII) XML of a Document, profile BASIC, and its embedding into the PDF.

The `factur-x` library checks the XML against the profile's XSD and turns the PDF into a
PDF/A-3 with the XML attached (as `factur-x.xml`); the XML itself is built here, because
the library only carries it.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from facturx import generate_from_binary

from desk.billing.document import CREDIT_NOTE_TYPE, Document, Party
from desk.billing.money import plain, rate_text

PROFILE = "basic"
GUIDELINE = "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic"
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    prefix, name = tag.split(":")
    element = ET.SubElement(parent, f"{{{NS[prefix]}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _date(parent: ET.Element, tag: str, day: object) -> None:
    holder = _el(parent, tag)
    _el(holder, "udt:DateTimeString", f"{day:%Y%m%d}", format="102")


def _party(parent: ET.Element, tag: str, party: Party) -> None:
    node = _el(parent, tag)
    _el(node, "ram:Name", party.name)
    if party.siren:
        legal = _el(node, "ram:SpecifiedLegalOrganization")
        _el(legal, "ram:ID", party.siren, schemeID="0002")
    address = _el(node, "ram:PostalTradeAddress")
    postcode, city = party.postcode_city()
    lines = party.address_lines()
    if postcode:
        _el(address, "ram:PostcodeCode", postcode)
    if lines:
        _el(address, "ram:LineOne", lines[0])
    if city:
        _el(address, "ram:CityName", city)
    _el(address, "ram:CountryID", "FR")
    if party.vat_number:
        tax = _el(node, "ram:SpecifiedTaxRegistration")
        _el(tax, "ram:ID", party.vat_number, schemeID="VA")


def _category(rate_bp: int, franchise: bool) -> str:
    return "E" if franchise else ("S" if rate_bp else "Z")


def invoice_xml(doc: Document) -> bytes:
    franchise = bool(doc.totals.vat_note)
    root = ET.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice")
    context = _el(root, "rsm:ExchangedDocumentContext")
    guideline = _el(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    _el(guideline, "ram:ID", GUIDELINE)
    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", doc.number)
    _el(header, "ram:TypeCode", doc.type_code)
    _date(header, "ram:IssueDateTime", doc.issued_on)
    for note in doc.notes:
        _el(_el(header, "ram:IncludedNote"), "ram:Content", note)
    trade = _el(root, "rsm:SupplyChainTradeTransaction")
    for position, line in enumerate(doc.lines, start=1):
        item = _el(trade, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(position))
        _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.label)
        price = _el(_el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
        _el(price, "ram:ChargeAmount", plain(line.unit_cents))
        delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
        _el(delivery, "ram:BilledQuantity", str(line.quantity), unitCode="C62")
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", _category(line.vat_rate_bp, franchise))
        _el(tax, "ram:RateApplicablePercent", rate_text(line.vat_rate_bp))
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", plain(line.total_cents))
    agreement = _el(trade, "ram:ApplicableHeaderTradeAgreement")
    _party(agreement, "ram:SellerTradeParty", doc.seller)
    _party(agreement, "ram:BuyerTradeParty", doc.buyer)
    _el(trade, "ram:ApplicableHeaderTradeDelivery")
    settlement = _el(trade, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", "EUR")
    if doc.seller.iban:
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", "58")  # SEPA credit transfer
        account = _el(means, "ram:PayeePartyCreditorFinancialAccount")
        _el(account, "ram:IBANID", doc.seller.iban.replace(" ", ""))
    for rate, base, vat in doc.totals.breakdown:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", plain(vat))
        _el(tax, "ram:TypeCode", "VAT")
        if franchise:
            _el(tax, "ram:ExemptionReason", doc.totals.vat_note)
        _el(tax, "ram:BasisAmount", plain(base))
        _el(tax, "ram:CategoryCode", _category(rate, franchise))
        _el(tax, "ram:RateApplicablePercent", rate_text(rate))
    terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
    _el(terms, "ram:Description", f"Paiement à {doc.payment_days} jours")
    _date(terms, "ram:DueDateDateTime", doc.due_on)
    sums = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(sums, "ram:LineTotalAmount", plain(doc.totals.ht_cents))
    _el(sums, "ram:TaxBasisTotalAmount", plain(doc.totals.ht_cents))
    _el(sums, "ram:TaxTotalAmount", plain(doc.totals.vat_cents), currencyID="EUR")
    _el(sums, "ram:GrandTotalAmount", plain(doc.totals.ttc_cents))
    _el(sums, "ram:DuePayableAmount", plain(doc.totals.ttc_cents))
    if doc.type_code == CREDIT_NOTE_TYPE and doc.refers_to:
        referenced = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(referenced, "ram:IssuerAssignedID", doc.refers_to)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def embed(pdf: bytes, doc: Document) -> bytes:
    """The PDF/A-3 Factur-X: `pdf` with the document's XML attached (XSD-checked first)."""
    return bytes(
        generate_from_binary(
            pdf,
            invoice_xml(doc),
            flavor="factur-x",
            level=PROFILE,
            check_xsd=True,
            pdf_metadata={
                "author": doc.seller.name,
                "keywords": "Factur-X, facture",
                "title": f"{doc.title} {doc.number}",
                "subject": f"{doc.title} {doc.number} — {doc.buyer.name}",
            },
            lang="fr-FR",
        )
    )

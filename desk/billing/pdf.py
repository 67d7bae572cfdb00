"""The printed invoice, credit note and quote, drawn with ReportLab.

ReportLab rather than WeasyPrint: it is pure Python with wheels (no Pango/Cairo system
libraries to install on every machine), and it embeds the TrueType font it is given,
which PDF/A-3 (Factur-X) requires. The font is Bitstream Vera, shipped inside ReportLab,
so nothing depends on the fonts of the machine.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from PIL import ImageCms
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desk.billing.document import Document, Party, legal_mentions
from desk.billing.money import euros

FONT, BOLD = "DeskSans", "DeskSans-Bold"
ACCENT = colors.HexColor("#1f4e79")


@cache
def _fonts() -> None:
    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _style(
    size: float = 9, bold: bool = False, right: bool = False, **kw: object
) -> ParagraphStyle:
    _fonts()
    return ParagraphStyle(
        "p",
        fontName=BOLD if bold else FONT,
        bulletFontName=FONT,
        fontSize=size,
        leading=size * 1.3,
        alignment=TA_RIGHT if right else 0,
        **kw,
    )


def _p(text: str, **style: object) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), _style(**style))  # type: ignore[arg-type]


def _table(
    data: list[list[object]],
    widths: list[float],
    commands: list[tuple[object, ...]] | None = None,
    **kw: object,
) -> Table:
    """A table in our font: ReportLab's default cell font (Helvetica) is not embedded,
    and PDF/A wants every font embedded, even one only named."""
    table = Table(data, colWidths=widths, **kw)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *(commands or [])]))
    return table


def _party(party: Party, heading: str) -> list[Paragraph]:
    rows = [_p(heading, size=8, textColor=colors.grey), _p(party.name, bold=True, size=10)]
    rows += [_p(line) for line in party.address_lines()]
    rows += [_p(line) for line in party.company_lines()]
    if party.siren:
        rows.append(_p(f"SIREN : {party.siren}"))
    if party.vat_number:
        rows.append(_p(f"N° TVA intracommunautaire : {party.vat_number}"))
    if party.email:
        rows.append(_p(party.email))
    return rows


def _header(doc: Document, extra: list[tuple[str, str]]) -> Table:
    facts = [
        _p(f"{doc.title.upper()} N° {doc.number}", bold=True, size=14, right=True),
        _p(f"Date d'émission : {doc.issued_on:%d/%m/%Y}", right=True),
    ]
    facts += [_p(f"{name} : {value}", right=True) for name, value in extra]
    return _table(
        [[_party(doc.seller, "Émetteur"), facts]],
        [94 * mm, 80 * mm],
        [("VALIGN", (0, 0), (-1, -1), "TOP")],
    )


def _lines_table(doc: Document) -> Table:
    data: list[list[object]] = [
        [_p(h, bold=True, right=i > 0) for i, h in enumerate(
            ("Désignation", "Qté", "PU HT", "TVA", "Total HT")
        )]
    ]  # fmt: skip
    for line in doc.lines:
        vat = "—" if doc.totals.vat_note else f"{line.vat_rate_bp / 100:g} %".replace(".", ",")
        data.append(
            [
                _p(line.label),
                _p(str(line.quantity), right=True),
                _p(euros(line.unit_cents), right=True),
                _p(vat, right=True),
                _p(euros(line.total_cents), right=True),
            ]
        )
    return _table(
        data,
        [88 * mm, 14 * mm, 26 * mm, 16 * mm, 30 * mm],
        [
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ],
        repeatRows=1,
    )


def _totals_table(doc: Document, label_ttc: str) -> Table:
    rows = [["Total HT", euros(doc.totals.ht_cents)]]
    for rate, base, vat in doc.totals.breakdown:
        if not doc.totals.vat_note:
            pct = f"{rate / 100:g}".replace(".", ",")
            rows.append([f"TVA {pct} % sur {euros(base)}", euros(vat)])
    rows.append([label_ttc, euros(doc.totals.ttc_cents)])
    data = [[_p(a, right=True, bold=i == len(rows) - 1), _p(b, right=True, bold=i == len(rows) - 1)]
            for i, (a, b) in enumerate(rows)]  # fmt: skip
    return _table(
        data, [60 * mm, 30 * mm], [("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT)], hAlign="RIGHT"
    )


@cache
def _srgb_profile() -> bytes:
    """An sRGB ICC profile (made by Little CMS through Pillow), for the output intent."""
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def _with_output_intent(pdf: bytes) -> bytes:
    """PDF/A wants the colour space of DeviceRGB named: an sRGB output intent."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    profile = StreamObject()
    profile.set_data(_srgb_profile())
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _build(story: list[object], title: str, author: str) -> bytes:
    _fonts()
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author=author,
        lang="fr-FR",
        # Every font embedded (PDF/A): even the canvas's initial font is ours, not Helvetica.
        initialFontName=FONT,
        initialFontSize=9,
    )
    template.build(story)
    return _with_output_intent(out.getvalue())


def render_invoice(doc: Document) -> bytes:
    extra = [("Échéance", f"{doc.due_on:%d/%m/%Y}")]
    if doc.period:
        extra.insert(0, ("Période", doc.period))
    if doc.refers_to:
        extra.append(("Avoir sur la facture", doc.refers_to))
    story: list[object] = [
        _header(doc, extra),
        Spacer(1, 8 * mm),
        _table([[None, _party(doc.buyer, "Client")]], [94 * mm, 80 * mm]),
        Spacer(1, 8 * mm),
        _lines_table(doc),
        Spacer(1, 4 * mm),
        _totals_table(doc, "Net à payer TTC" if not doc.totals.vat_note else "Net à payer"),
        Spacer(1, 10 * mm),
    ]
    story += [_p(note, size=8) for note in doc.notes]
    story += [_p(text, size=8) for text in legal_mentions(doc)]
    if doc.seller.bank_line():
        story.append(_p(doc.seller.bank_line(), size=8))
    return _build(story, f"{doc.title} {doc.number}", doc.seller.name)


def render_quote(doc: Document, needs: list[str], valid_until: str) -> bytes:
    story: list[object] = [
        _header(doc, [("Valable jusqu'au", valid_until)]),
        Spacer(1, 8 * mm),
        _table([[None, _party(doc.buyer, "Pour")]], [94 * mm, 80 * mm]),
        Spacer(1, 6 * mm),
        _p("Vos besoins", bold=True, size=10),
        *[_p(f"• {need}") for need in needs],
        Spacer(1, 6 * mm),
        _p("Estimation mensuelle", bold=True, size=10),
        _lines_table(doc),
        Spacer(1, 4 * mm),
        _totals_table(doc, "Estimation mensuelle TTC" if not doc.totals.vat_note else "Estimation"),
        Spacer(1, 8 * mm),
    ]
    story += [_p(note, size=8) for note in doc.notes]
    story += [
        _p(
            "La prestation commence après l'acceptation de ce devis. Pour l'accepter, suivez "
            "le lien reçu par e-mail, tapez votre nom et cochez « Bon pour accord ».",
            size=8,
        ),
        *([_p(doc.seller.bank_line(), size=8)] if doc.seller.bank_line() else []),
        Spacer(1, 6 * mm),
        _p("Bon pour accord (date, nom, signature) :", bold=True),
    ]
    return _build(story, f"Devis {doc.number}", doc.seller.name)

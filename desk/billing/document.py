"""What an invoice, credit note or quote says, as plain values: the PDF and the Factur-X XML
are both drawn from one `Document`, so their totals cannot disagree."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from desk.base.wall_time import MONTHS_FR
from desk.billing.pricing import Line, Totals

INVOICE_TYPE = "380"
CREDIT_NOTE_TYPE = "381"
# Fixed indemnity for recovery costs owed by a late business payer (Code de commerce L441-10).
RECOVERY_INDEMNITY_CENTS = 4000


@dataclass(frozen=True)
class Party:
    name: str
    siren: str = ""
    address: str = ""
    vat_number: str = ""
    email: str = ""
    iban: str = ""
    # A company's mentions (Code de commerce R123-237) and the bank's code; "" when none.
    legal_form: str = ""
    rcs: str = ""  # "RCS Lyon 912 345 675"
    share_capital: str = ""  # "1 000,00 €"
    bic: str = ""

    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    def postcode_city(self) -> tuple[str, str]:
        """('75011', 'Paris') from an address whose last line is '75011 Paris'."""
        lines = self.address_lines()
        found = re.match(r"^(\d{5})\s+(.+)$", lines[-1]) if lines else None
        return (found.group(1), found.group(2)) if found else ("", "")

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "siren": self.siren,
            "address": self.address,
            "vat_number": self.vat_number,
            "email": self.email,
            "iban": self.iban,
            "legal_form": self.legal_form,
            "rcs": self.rcs,
            "share_capital": self.share_capital,
            "bic": self.bic,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Party:
        return cls(**{k: data.get(k, "") for k in cls.__dataclass_fields__})

    def company_lines(self) -> list[str]:
        """'SAS au capital de 1 000,00 €', 'RCS Lyon 912 345 675' (what the seller has)."""
        lines = []
        if self.legal_form and self.share_capital:
            lines.append(f"{self.legal_form} au capital de {self.share_capital}")
        elif self.legal_form:
            lines.append(self.legal_form)
        elif self.share_capital:
            lines.append(f"Capital social : {self.share_capital}")
        if self.rcs:
            lines.append(self.rcs)
        return lines

    def bank_line(self) -> str:
        """'Règlement par virement — IBAN : FR76 … — BIC : …', or '' without an IBAN."""
        if not self.iban:
            return ""
        line = f"Règlement par virement — IBAN : {self.iban}"
        return f"{line} — BIC : {self.bic}" if self.bic else line


@dataclass(frozen=True)
class Document:
    number: str
    type_code: str  # 380 invoice, 381 credit note; "quote" for a devis
    issued_on: date
    due_on: date
    seller: Party
    buyer: Party
    lines: list[Line]
    totals: Totals
    period: str = ""  # "novembre 2026"
    penalty_rate_bp: int = 0
    payment_days: int = 30
    refers_to: str = ""  # the invoice a credit note corrects
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return {INVOICE_TYPE: "Facture", CREDIT_NOTE_TYPE: "Avoir"}.get(self.type_code, "Devis")


def month_fr(year: int, month: int) -> str:
    return f"{MONTHS_FR[month - 1]} {year}"


def legal_mentions(doc: Document) -> list[str]:
    """The sentences a French B2B invoice must carry (Code de commerce L441-9, CGI 242 nonies A)."""
    rate = doc.penalty_rate_bp
    rate_text = f"{rate // 100},{rate % 100:02d} %"
    mentions = [
        f"Paiement à {doc.payment_days} jours, au plus tard le {doc.due_on:%d/%m/%Y}. "
        "Pas d'escompte pour paiement anticipé.",
        f"En cas de retard de paiement : pénalités au taux annuel de {rate_text}, exigibles "
        "dès le lendemain de l'échéance, et indemnité forfaitaire pour frais de recouvrement "
        "de 40 € (art. L441-10 du Code de commerce).",
    ]
    if doc.totals.vat_note:
        mentions.insert(0, doc.totals.vat_note)
    return mentions

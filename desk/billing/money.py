"""Integer-cent arithmetic with the rounding French invoices use (half away from zero)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

FRANCHISE_NOTE = "TVA non applicable, art. 293 B du CGI"


# "89", "89,00", "1 234,50", "1234.5": digits, spaces (plain, no-break, narrow) between
# thousands, one decimal mark and at most two decimals. No exponent, no "Infinity", no
# "NaN": Decimal reads those, and int(Decimal("Infinity") * 100) raised OverflowError.
_AMOUNT = re.compile(r"[0-9]+(?:[ \u00a0\u202f][0-9]{3})*(?:[.,][0-9]{1,2})?", re.ASCII)
MAX_AMOUNT_CENTS = 100_000_000_00  # a hundred million euros: beyond, a typing slip


def round_cents(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, exactly (no floats)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    return int((Decimal(numerator) / Decimal(denominator)).quantize(0, rounding=ROUND_HALF_UP))


def percent_of(cents: int, percent: int) -> int:
    return round_cents(cents * percent, 100)


def vat_of(base_cents: int, rate_bp: int) -> int:
    """VAT on a base, rounded once per rate (after the lines are summed)."""
    return round_cents(base_cents * rate_bp, 10_000)


def euros(cents: int) -> str:
    """1234567 -> '12 345,67 €' (French format, a narrow no-break space between thousands)."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{frac:02d} €"


def plain(cents: int) -> str:
    """1234567 -> '12345.67' (the dot decimal the CII XML and CSV exports want)."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


def rate_text(rate_bp: int) -> str:
    """2000 -> '20', 550 -> '5.5' (percent, as the XML wants it)."""
    whole, frac = divmod(rate_bp, 100)
    return f"{whole}" if frac == 0 else f"{whole}.{frac:02d}".rstrip("0")

"""Amounts and rates as people type them: "89,00", "1 234,50", "89.00", "5,5 %".

Every form and command of the money side reads its euros and percentages here, so the
web desk and the command line accept the same text and refuse it with the same words.
`inf`, `nan`, exponents, more than two decimals and absurd values are refused.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from desk.base.errors import DomainError

# Far beyond any fee or price of the desk, far below what an INTEGER column of cents holds.
MAX_EUROS = Decimal(1_000_000)
# Spaces people and spreadsheets put between thousands (space, no-break, narrow no-break).
_SPACES = re.compile(r"[ \u00a0\u202f]")
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?", re.ASCII)
_GROUPED = re.compile(r"[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:[.,][0-9]+)?", re.ASCII)


def _decimal(raw: object, field: str, code: str) -> Decimal:
    text = str(raw if raw is not None else "").strip().removesuffix("€").removesuffix("%")
    text = text.strip()
    if not text:
        raise DomainError("required", field=field)
    if _GROUPED.fullmatch(text):
        text = _SPACES.sub("", text)
    if not _NUMBER.fullmatch(text):
        raise DomainError(code, field=field, value=str(raw))
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        raise DomainError(code, field=field, value=str(raw)) from None


def cents(raw: object, field: str, *, required: bool = True) -> int:
    """Euros as typed -> integer cents. Empty is 0 when not `required`."""
    if not required and not str(raw if raw is not None else "").strip():
        return 0
    value = _decimal(raw, field, "amount_invalid")
    if value != value.quantize(Decimal("0.01")):
        raise DomainError("amount_invalid", field=field, value=str(raw))
    if value > MAX_EUROS:
        raise DomainError("amount_too_large", field=field, most="1 000 000 €")
    return int(value * 100)


def percent_bp(raw: object, field: str, *, most: int = 100) -> int:
    """A percentage as typed ("20", "5,5") -> basis points (2000, 550), 0 to `most` %."""
    value = _decimal(raw, field, "percent_invalid")
    if value != value.quantize(Decimal("0.01")) or value > most:
        raise DomainError("percent_invalid", field=field, value=str(raw))
    return int(value * 100)


def whole_percent(raw: object, field: str, *, most: int = 100) -> int:
    """A whole percentage ("25") -> 25, 0 to `most`."""
    bp = percent_bp(raw, field, most=most)
    if bp % 100:
        raise DomainError("percent_whole", field=field, value=str(raw))
    return bp // 100


def count(raw: object, field: str, *, most: int = 100_000) -> int:
    """A number of calls as typed -> an int, 0 to `most`."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise DomainError("required", field=field)
    if not re.fullmatch(r"[0-9]{1,9}", text, re.ASCII) or int(text) > most:
        raise DomainError("count_invalid", field=field, value=text, most=most)
    return int(text)


def euros_text(value_cents: int) -> str:
    """Cents as a form shows them back: 17880 -> "178,80"."""
    whole, frac = divmod(value_cents, 100)
    return f"{whole},{frac:02d}"

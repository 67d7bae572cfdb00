"""SMS text: GSM-7 or UCS-2, and how many segments (each one billed) a text takes.

One character outside the GSM-7 alphabet turns the whole SMS into UCS-2: 70 characters
per segment instead of 160, so the same text costs two or three times as much. Word
processors and phones insert such characters silently (’ “ ” « » and the non-breaking
spaces French typography puts before ; : ! ?), so `clean()` replaces them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# GSM 03.38 basic alphabet (one septet each). Note: é è ù ì ò à and Ç are in it,
# but not ê â î ô û ë ï ç (lower case) œ: those force UCS-2.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs an escape septet plus its own (two in all).
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

# Characters that force UCS-2 for no reason a reader would notice.
_REPLACEMENTS = {
    "\u2019": "'",  # ’ right single quotation mark (the "typographic apostrophe")
    "\u2018": "'",  # ‘
    "\u02bc": "'",  # ʼ modifier letter apostrophe
    "\u201c": '"',  # “
    "\u201d": '"',  # ”
    "\u00ab": '"',  # « (the spaces inside are handled below)
    "\u00bb": '"',  # »
    "\u00a0": " ",  # no-break space: French puts it before ; : ! ? and inside « »
    "\u202f": " ",  # narrow no-break space, same use
    "\u2009": " ",  # thin space
    "\u2013": "-",  # – en dash
    "\u2014": "-",  # — em dash
    "\u2026": "...",  # …
    "\u2022": "-",  # • bullet
}

_GUILLEMETS = re.compile("\u00ab[ \u00a0\u202f]*|[ \u00a0\u202f]*\u00bb")


def clean(text: str) -> str:
    """Replace typographic characters that would force UCS-2 by their GSM-7 look-alikes."""
    # « Bonjour » -> "Bonjour": the spaces French typography puts inside go with them.
    text = _GUILLEMETS.sub(lambda m: '"', text)
    return "".join(_REPLACEMENTS.get(ch, ch) for ch in text)


@dataclass(frozen=True)
class SmsCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def count(text: str) -> SmsCount:
    """How the text is encoded and how many segments it takes.

    One segment holds 160 septets or 70 UCS-2 units; a longer text is split in parts
    carrying a header, so each holds 153 septets or 67 units. A part never ends in the
    middle of a character: an extension character's escape septet stays with its own,
    an emoji's two UTF-16 units stay together, so a part may hold one unit less.
    """
    if is_gsm7(text):
        costs = [2 if ch in GSM7_EXTENDED else 1 for ch in text]
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        costs = [len(ch.encode("utf-16-le")) // 2 for ch in text]  # emoji take two units
        single, multi, encoding = 70, 67, "UCS-2"
    units = sum(costs)
    if units <= single:
        return SmsCount(encoding, units, 1 if units else 0, single)
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments, used = segments + 1, 0
        used += cost
    return SmsCount(encoding, units, segments, multi)


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with "..." when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0] or text[: limit - 3]
    return cut.rstrip(" ,;:.") + "..."

"""Reading numbers from text that anyone may have typed or forged.

`str.isdigit()` accepts "²" and "٣" (which `int()` then refuses or reads), and an id
beyond the column's range makes the database fail: only ASCII digits, within bounds.
"""

from __future__ import annotations

import re

# The range of a 32-bit INTEGER column (PostgreSQL's `integer`, our ids).
INT32_MAX = 2**31 - 1
_DIGITS = re.compile(r"-?[0-9]{1,18}", re.ASCII)


def int_in_range(text: object, low: int = 0, high: int = INT32_MAX) -> int | None:
    """`text` as an int when it is plain ASCII digits within [low, high], else None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    else:
        raw = str(text if text is not None else "").strip()
        if not _DIGITS.fullmatch(raw):
            return None
        value = int(raw)
    return value if low <= value <= high else None

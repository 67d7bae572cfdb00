"""Text without control characters: what names and free text may hold once stored.

A carriage return or line feed in a practitioner's name broke her calendar feed (a raw
line break in `X-WR-CALNAME`, issue 26); the other C0 and C1 controls are refused by
XML (TwiML, Factur-X) and mean nothing in an SMS, a CSV or a PDF. Names and other
one-line values (`String` columns) keep none: each run becomes one space. Free text
(`Text` columns: notes, a fiche, a message) keeps its line breaks (as "\\n") and tabs.
Unicode's line and paragraph separators count as line breaks; bidirectional overrides,
which can make a name read backwards in a log or a CSV, are dropped.
"""

from __future__ import annotations

import re

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
# C0 and C1 controls (tab and line feed are handled apart), DEL, bidi embeddings/overrides.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ANY = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_RUNS = re.compile(r"[ \t]*[\x00-\x1f\x7f-\x9f\u2028\u2029][\x00-\x1f\x7f-\x9f\u2028\u2029 \t]*")


def has_controls(text: str) -> bool:
    return _ANY.search(text) is not None


def one_line(text: str) -> str:
    """`text` on one line: each run of control characters (and the blanks around it)
    becomes one space; bidi overrides are dropped."""
    if not has_controls(text):
        return text
    text = re.sub(r"[\u202a-\u202e\u2066-\u2069]", "", text)
    return _RUNS.sub(" ", text).strip()


def free_text(text: str) -> str:
    """`text` with its line breaks as "\\n" and its tabs, every other control dropped."""
    if not has_controls(text):
        return text
    text = _LINE_BREAKS.sub("\n", text)
    return _CONTROLS.sub("", text)

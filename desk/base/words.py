"""The one catalogue of words: error codes and spoken phrases, as English msgids.

Babel extracts every `N_("…")` below (see `babel.cfg`); `desk/translations/{fr,en}`
hold the French and English strings, and `tests/test_translations.py` fails when one
is missing. Domain code names a code; the edges (web, API, CLI, TwiML) translate it
with the gettext of the reader's locale: Flask-Babel's in a request, `translator(locale)`
elsewhere.

Each area adds its codes in its own section, in the order the area is read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Protocol

from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
Gettext = Callable[[str], str]


class Worded(Protocol):
    """What `say` needs of an error: `desk.base.errors.DomainError` is one."""

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> Mapping[str, object]: ...


def N_(msgid: str) -> str:
    """Marks a msgid for extraction; translated later, by whoever shows it."""
    return msgid


WORDS: dict[str, str] = {
    # --- base ---
    "not_found": N_("Not found."),
}


def say(error: Worded, gettext: Gettext) -> str:
    """The error's words through `gettext`, its params filled in."""
    template = WORDS.get(error.code)
    if template is None:  # an unregistered code is shown as it is (tests forbid it)
        return error.code
    text = gettext(template)
    return text % error.params if error.params else text


@cache
def translator(locale: str) -> NullTranslations:
    """Gettext for `locale` outside a request (CLI, jobs, TwiML built from settings)."""
    return Translations.load(str(TRANSLATIONS_DIR), [locale], domain="messages")


def gettext_for(locale: str) -> Gettext:
    return translator(locale).gettext

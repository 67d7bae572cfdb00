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
    # --- reports ---
    "staffing_calls_per_hour": N_("Calls per hour must be zero or more."),
    "staffing_aht": N_("The handling time must be more than zero seconds."),
    "staffing_target": N_("The target must be between 0 and 1 (0.8 = 80 %%)."),
    "staffing_within": N_("The answer time must be zero seconds or more."),
    "staffing_patience": N_("The callers' patience must be more than zero seconds."),
    "staffing_too_many": N_("More than %(most)s secretaries would be needed."),
    "report_period": N_("The period must end on or after its first day."),
    "report_period_long": N_("The period may not be longer than %(days)s days."),
    "report_client": N_("No client %(slug)s."),
    "what_if_calls": N_("The calls a week must be zero or more."),
    "report_date": N_("Dates are written YYYY-MM-DD."),
    "report_number": N_("A number is expected."),
    "what_if_window": N_("Pick at least one day, and an end after the start."),
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

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
    # --- billing ---
    "billing_negative_price": N_("Prices and quantities must be whole numbers, zero or more."),
    "billing_plan_name_required": N_("A price plan needs a name."),
    "billing_plan_exists": N_("A price plan named %(name)s already exists."),
    "billing_plan_unknown": N_("No price plan is named %(name)s."),
    "billing_contract_exists": N_("This client already has a contract version from %(day)s."),
    "billing_not_a_partner": N_("%(name)s is not a partner of the network."),
    "billing_bad_percent": N_("A percentage must be between 0 and 100."),
    "billing_client_unknown": N_("No client has the slug %(slug)s."),
    "billing_seller_missing": N_("The desk's legal identity (name, SIREN, address) is not set."),
    "billing_bad_siren": N_("A SIREN has 9 digits (a SIRET 14)."),
    "billing_bad_month": N_("A month is written YYYY-MM, for example 2026-11."),
    "billing_future_month": N_("Month %(month)s has not started yet."),
    "billing_invoice_unknown": N_("No invoice has the number %(number)s."),
    "billing_already_credited": N_("Invoice %(number)s was already corrected by a credit note."),
    "billing_bad_amount": N_("An amount must be more than zero."),
    "billing_overpaid": N_("This payment is more than the %(left)s left to pay."),
    "billing_reason_required": N_("Write the reason for this decision."),
    "billing_no_accepted_quote": N_(
        "Coverage cannot start without an accepted quote, unless an admin gives a reason."
    ),
    "billing_quote_link_invalid": N_("This quote link is unknown, already used or expired."),
    "billing_quote_tampered": N_(
        "This quote was altered since it was sent: it cannot be accepted."
    ),
    "billing_quote_name_required": N_("Type your full name to accept the quote."),
    "billing_quote_consent_required": N_('Tick "bon pour accord" to accept the quote.'),
    "billing_bad_email": N_("This e-mail address does not look right."),
    "billing_confirm_required": N_("Tick the box to confirm this decision."),
    "billing_bad_template": N_("Only these placeholders can be used: %(names)s."),
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

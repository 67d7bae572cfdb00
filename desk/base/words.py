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
    # --- real desk: set-up, clients, people, portal, imports, privacy ---
    "required": N_("This field is required."),
    "too_long": N_("At most %(max)d characters."),
    "siret_invalid": N_("A SIRET is 14 digits with a valid check digit (Luhn)."),
    "vat_status_unknown": N_("Choose a VAT status."),
    "vat_number_invalid": N_("%(value)s is not a French VAT number (FR and 11 characters)."),
    "timezone_unknown": N_("Unknown time zone %(value)s."),
    "already_set_up": N_("The desk is already set up: log in."),
    "email_invalid": N_("%(value)s is not an e-mail address."),
    "email_taken": N_("%(value)s already has a login."),
    "password_too_short": N_("A password has at least %(min)d characters."),
    "passwords_differ": N_("The two passwords differ."),
    "invitation_invalid": N_("This link is unknown, already used or expired: ask for a new one."),
    "role_unknown": N_("Unknown role %(value)s."),
    "phone_required": N_("A phone number is required."),
    "phone_invalid": N_("%(value)s is not a phone number."),
    "desk_number_taken": N_("%(value)s is already a desk number of a client."),
    "contact_needs_channel": N_("A mobile or an e-mail is needed."),
    "weekdays_required": N_("Pick at least one day."),
    "window_empty": N_("The end must differ from the start."),
    "window_reversed": N_(
        "The end is before the start. For a window across midnight, tick Overnight."
    ),
    "overnight_not_reversed": N_(
        "An overnight window ends the next morning: its end must be before its start."
    ),
    "hours_reversed": N_("The end must be after the start."),
    "validity_reversed": N_("The end of validity is before its start."),
    "dates_reversed": N_("The last day is before the first."),
    "slug_taken": N_("Another client already uses the short name %(value)s."),
    "slug_invalid": N_("A short name has only lowercase letters, digits and dashes."),
    "client_unknown": N_("Unknown client %(value)s."),
    "client_archived": N_("This client is archived."),
    "practitioner_unknown": N_("Unknown practitioner %(value)s."),
    "practitioner_required": N_("Pick at least one practitioner."),
    "type_taken": N_("This client already has an appointment type named %(value)s."),
    "minutes_invalid": N_("Between %(min)d and %(max)d minutes."),
    "number_invalid": N_("%(value)s is not a whole number."),
    "choice_invalid": N_("%(value)s is not one of: %(choices)s."),
    "secretary_unknown": N_("Unknown secretary %(value)s."),
    "rank_invalid": N_("A rank is a whole number from 1 to 9."),
    "boolean_invalid": N_("%(value)s is not yes or no."),
    "csv_columns": N_("Missing column(s): %(columns)s."),
    "csv_empty": N_("The file has no rows."),
    "csv_unreadable": N_("The file is not a CSV in UTF-8."),
    "csv_line": N_("Line %(line)d, %(column)s: %(error)s"),
    "search_too_short": N_("Type a phone number or at least 3 letters of a name."),
    "type_not_offered": N_("%(practitioner)s does not offer this type of appointment."),
    "invite_subject": N_("%(desk)s: your access to the desk"),
    "invite_body": N_(
        "Hello %(name)s,\n\nAn account was opened for you on %(desk)s. Choose your password "
        "with this link (valid until %(until)s, usable once):\n\n%(link)s\n"
    ),
    "reset_subject": N_("%(desk)s: choose a new password"),
    "reset_body": N_(
        "Hello %(name)s,\n\nChoose a new password with this link (valid until %(until)s, "
        "usable once):\n\n%(link)s\n\nIf you did not ask for it, ignore this e-mail.\n"
    ),
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

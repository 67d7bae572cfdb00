"""The one catalogue of words: error codes and spoken phrases, as English msgids.

Babel extracts every `N_("…")` below (see `babel.cfg`); `desk/translations/{fr,en}`
hold the French and English strings, and `tests/test_translations.py` fails when one
is missing. Domain code names a code; the edges (web, API, CLI, TwiML) translate it
with the gettext of the reader's locale: Flask-Babel's in a request, `gettext_for(locale)`
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


SUPPORTED_LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"

WORDS: dict[str, str] = {
    # --- base ---
    "not_found": N_("Not found."),
    "phone_empty": N_("The number is empty."),
    "phone_not_a_number": N_("“%(raw)s” is not a phone number."),
    "phone_invalid": N_("“%(raw)s” is not a valid number."),
    # --- clients ---
    "client_not_found": N_("Unknown client."),
    "client_slug_not_found": N_("Unknown client: %(slug)s."),
    "call_not_found": N_("Unknown call."),
    "client_part_not_found": N_("This item no longer exists."),
    "desk_number_taken": N_("This number is already assigned to a client."),
    "contact_needs_phone_or_email": N_("A phone number or an e-mail address is needed."),
    "validity_ends_before_start": N_("The end of validity comes before its start."),
    # --- rota ---
    "secretary_not_trained": N_("This secretary is not trained for this client."),
    "weekdays_required": N_("Choose at least one day."),
    "end_equals_start": N_("The end must differ from the start."),
    "shift_not_found": N_("Unknown shift."),
    "shift_not_on_day": N_("This shift does not take place on that day."),
    "already_her_shift": N_("It is already her shift."),
    "last_day_before_first": N_("The last day comes before the first."),
    "override_not_found": N_("Unknown replacement."),
    "absence_not_found": N_("Unknown absence."),
    # --- calls ---
    "say_voicemail": N_("All our secretaries are busy. Please leave a message after the tone."),
    "say_thanks": N_("Thank you, your message has been recorded. Goodbye."),
    "say_not_in_service": N_("The number you have dialled is not in service. Goodbye."),
    "say_screen_prompt": N_("Call for %(client)s. Press 1 to take the call."),
    "say_screen_prompt_unknown": N_("Incoming call. Press 1 to take the call."),
    # --- messages ---
    "message_not_found": N_("Unknown message."),
    "message_empty": N_("The message is empty: write what the caller asked."),
    "message_too_long": N_("The message is too long (%(length)s characters, %(max)s at most)."),
    "caller_name_too_long": N_("The name is too long (%(max)s characters at most)."),
    "reason_too_long": N_("The reason is too long (%(max)s characters at most)."),
    "urgency_invalid": N_("Urgency: “normal” or “urgent”."),
    "caller_number_invalid": N_("The caller's number is not a valid phone number."),
    "call_not_of_client": N_("This call is not a call of this client."),
    # --- appointments ---
    "practitioner_not_found": N_("Unknown practitioner."),
    "practitioner_not_of_client": N_("Unknown practitioner for this client."),
    "appointment_type_not_found": N_("Unknown appointment type."),
    "appointment_type_inactive": N_("This appointment type is no longer offered."),
    "appointment_not_found": N_("Appointment not found."),
    "appointment_cancelled": N_("This appointment is cancelled."),
    "patient_name_required": N_("The patient's name is required."),
    "patient_name_too_long": N_("The patient's name is too long (%(max)s characters at most)."),
    "patient_phone_invalid": N_("Invalid phone number."),
    "datetime_without_zone": N_("A date without a time zone."),
    "slot_too_soon": N_("This slot is too soon or already past."),
    "slot_outside_opening": N_("This slot is outside opening hours."),
    "slot_taken": N_("This slot has just been taken (slot already taken)."),
    "range_end_before_start": N_("The end must come after the start."),
    "range_too_long": N_("The period is too long (%(days)s days at most)."),
    "step_invalid": N_("Invalid step."),
    "cancel_link_unknown": N_("Unknown cancellation link."),
    "feed_token_not_found": N_("Unknown token."),
    "feed_token_revoked": N_("This token is already revoked."),
    "api_key_not_found": N_("Unknown key."),
    "api_key_revoked": N_("This key is already revoked."),
    # --- api ---
    "api_datetime_expected": N_("A date is expected (ISO 8601 with a time zone)."),
    "api_datetime_invalid": N_("Invalid date (ISO 8601 with a time zone)."),
    "api_datetime_needs_zone": N_("The date must carry its time zone (Z or +01:00)."),
    "api_integer_expected": N_("A whole number is expected."),
    "api_json_object_expected": N_("A JSON body (an object) is expected."),
    "api_patient_name_expected": N_("The patient's name is expected."),
    "api_phone_text_expected": N_("The number is expected as text."),
    "api_text_expected": N_("Text is expected."),
    # --- real desk: set-up, clients, people, portal, imports, privacy ---
    "required": N_("This field is required."),
    "too_long": N_("At most %(max)s characters."),
    "siret_invalid": N_("A SIRET is 14 digits with a valid check digit (Luhn)."),
    "vat_status_unknown": N_("Choose a VAT status."),
    "vat_number_invalid": N_("%(value)s is not a French VAT number (FR and 11 characters)."),
    "timezone_unknown": N_("Unknown time zone %(value)s."),
    "already_set_up": N_("The desk is already set up: log in."),
    "email_invalid": N_("%(value)s is not an e-mail address."),
    "email_taken": N_("%(value)s already has a login."),
    "password_too_short": N_("A password has at least %(min)s characters."),
    "passwords_differ": N_("The two passwords differ."),
    "invitation_invalid": N_("This link is unknown, already used or expired: ask for a new one."),
    "role_unknown": N_("Unknown role %(value)s."),
    "phone_required": N_("A phone number is required."),
    "contact_needs_channel": N_("A mobile or an e-mail is needed."),
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
    "minutes_invalid": N_("Between %(min)s and %(max)s minutes."),
    "number_invalid": N_("%(value)s is not a whole number."),
    "choice_invalid": N_("%(value)s is not one of: %(choices)s."),
    "secretary_unknown": N_("Unknown secretary %(value)s."),
    "rank_invalid": N_("A rank is a whole number from 1 to 9."),
    "boolean_invalid": N_("%(value)s is not yes or no."),
    "csv_columns": N_("Missing column(s): %(columns)s."),
    "csv_empty": N_("The file has no rows."),
    "csv_unreadable": N_("The file is not a CSV in UTF-8."),
    "csv_line": N_("Line %(line)s, %(column)s: %(error)s"),
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


def word(code: str, gettext: Gettext, **params: object) -> str:
    """The words of `code` through `gettext`, its params filled in."""
    template = WORDS.get(code)
    if template is None:  # an unregistered code is shown as it is (tests forbid it)
        return code
    text = gettext(template)
    return text % params if params else text


def say(error: Worded, gettext: Gettext) -> str:
    """The error's words through `gettext`, its params filled in."""
    return word(error.code, gettext, **error.params)


def supported(locale: str | None) -> str:
    """`locale` if the desk speaks it, else French (the default)."""
    return locale if locale in SUPPORTED_LOCALES else DEFAULT_LOCALE


@cache
def translator(locale: str) -> NullTranslations:
    """Gettext for `locale` outside a request (CLI, jobs, TwiML built from settings)."""
    return Translations.load(str(TRANSLATIONS_DIR), [locale], domain="messages")


def gettext_for(locale: str) -> Gettext:
    """Gettext of `locale` (French for a language the desk does not speak)."""
    return translator(supported(locale)).gettext

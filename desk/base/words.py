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
    # --- presence and the queue ---
    "presence_busy": N_("You are being rung or are on a call: take your break once it is over."),
    "secretary_not_found": N_("Unknown secretary."),
    "callback_not_found": N_("Unknown callback."),
    "seconds_invalid": N_("Between %(min)s and %(max)s seconds."),
    "say_queue_hold": N_("All our secretaries are busy. Please hold, we will answer you shortly."),
    "say_queue_position": N_(
        "You are number %(position)s in line. Press 1 to leave a message, or 2 to be called back."
    ),
    "say_queue_callback": N_(
        "Thank you, a secretary will call you back as soon as possible. Goodbye."
    ),
    # --- the rush rehearsal ---
    "rush_client_unknown": N_("No client has the short name %(slug)s."),
    "rush_secretary_unknown": N_("No active secretary has the e-mail or name %(name)s."),
    "rush_no_lunch": N_(
        "The client's coverage has no weekday lunch hour in the next three weeks: give a time."
    ),
    "rush_no_number": N_("The client %(slug)s has no desk number to call."),
    "rush_calls": N_("Between 1 and %(most)s calls."),
    "rush_minutes": N_("More than 0 and at most %(most)s minutes."),
    "rush_seconds": N_("More than 0 and at most %(most)s seconds."),
    "rush_keys": N_("Shares between 0 and 1, adding up to 1 at most."),
    "rush_at": N_("Give the time with its offset, or as Paris time."),
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
    "api_key_missing": N_("API key missing or invalid."),
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
    # --- reports ---
    "staffing_calls_per_hour": N_("Calls per hour must be zero or more."),
    "staffing_aht": N_("The handling time must be more than zero seconds."),
    "staffing_target": N_("The target must be between 0 and 1 (0.8 = 80 %%)."),
    "staffing_within": N_("The answer time must be zero seconds or more."),
    "staffing_patience": N_("The callers' patience must be more than zero seconds."),
    "staffing_too_many": N_("More than %(most)s secretaries would be needed."),
    "staffing_out_of_range": N_("This value is too large (at most %(most)s)."),
    "report_period": N_("The period must end on or after its first day."),
    "report_period_long": N_("The period may not be longer than %(days)s days."),
    "report_year": N_("Dates must fall between the years %(first)s and %(last)s."),
    "report_client": N_("No client %(slug)s."),
    "what_if_calls": N_("The calls a week must be zero or more."),
    "report_date": N_("Dates are written YYYY-MM-DD."),
    "report_number": N_("A number is expected."),
    "what_if_window": N_("Pick at least one day, and an end after the start."),
    # --- hardening ---
    "date_out_of_range": N_("Date out of range (years 1970 to 2200)."),
    "integer_out_of_range": N_("Whole number expected (0 to %(high)s)."),
    "appointment_changed": N_(
        "This appointment was changed meanwhile (now version %(version)s): reload it and try again."
    ),
    "too_many_tries": N_("Too many tries: wait a few minutes, then try again."),
    "url_not_allowed": N_("This address cannot be fetched (only public http/https servers)."),
    "fetch_failed": N_("The calendar could not be fetched."),
    "fetch_too_large": N_("The calendar is too large (%(limit)s bytes at most)."),
    "calendar_unreadable": N_("The calendar could not be read (not an iCalendar file)."),
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
    "billing_month_not_over": N_(
        "Month %(month)s is not over yet: its statements are issued once it has ended."
    ),
    "billing_invoice_unknown": N_("No invoice has the number %(number)s."),
    "billing_already_credited": N_("Invoice %(number)s was already corrected by a credit note."),
    "billing_bad_amount": N_("An amount must be more than zero."),
    "sms_already_assigned": N_("This SMS was already given to a client."),
    "billing_amount_not_a_number": N_("Enter an amount in euros, like 119.09 or 119,09."),
    "billing_invoice_credited": N_(
        "Invoice %(number)s was cancelled by a credit note: nothing is owed on it."
    ),
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
    # --- rota changes and the working day ---
    "rota_replacement_inactive": N_("%(name)s is inactive: she cannot replace anyone."),
    "rota_replacement_absent": N_("%(name)s is absent during that time."),
    "rota_not_trained": N_("This secretary does not work for this client."),
    "rota_same_secretary": N_("She cannot replace herself."),
    "rota_end_before_start": N_("The end must come after the start."),
    "rota_absence_kind": N_("Unknown kind of absence."),
    "rota_unknown_secretary": N_("No secretary with the e-mail %(email)s."),
    "rota_unknown_client": N_("No client %(slug)s."),
    "rota_unknown_absence": N_("No absence %(id)s."),
    "rota_unknown_override": N_("No replacement %(id)s."),
    "notice_duty_start": N_("Permanence: your duty for %(client)s starts now, %(start)s-%(end)s."),
    "notice_replacement": N_(
        "Permanence: you replace %(name)s for %(client)s from %(start)s to %(end)s."
    ),
    "notice_bad_channel": N_("Choose SMS, e-mail or nothing."),
    "notice_no_email": N_("Your profile has no e-mail address: choose SMS."),
    "recording_unavailable": N_("The recording cannot be fetched from Twilio (%(error)s)."),
    "rota_bad_instant": N_("%(value)s is not a date and time (ISO 8601, e.g. 2027-03-04T12:00)."),
    # --- the money set-up: plans, contracts, agreements, identity ---
    "amount_invalid": N_("%(value)s is not an amount: write it like 89,00 or 1 234,50."),
    "amount_too_large": N_("This amount is too large (at most %(most)s)."),
    "percent_invalid": N_("%(value)s is not a percentage from 0 to the allowed maximum."),
    "percent_whole": N_("%(value)s: a whole percentage is expected, like 25."),
    "count_invalid": N_("%(value)s is not a whole number from 0 to %(most)s."),
    "agreement_one_of": N_("Give either a percentage or an amount per mission (one of them)."),
    "contract_month_invoiced": N_(
        "That month is invoiced already (%(number)s): a new contract starts after it."
    ),
    "iban_invalid": N_("%(value)s is not a valid IBAN (check its digits)."),
    "bic_invalid": N_("%(value)s is not a valid BIC (8 or 11 characters)."),
    "rcs_incomplete": N_("An RCS registration needs its city and its number."),
    "payment_days_invalid": N_("Payment terms: from 0 to 60 days (Code de commerce L441-10)."),
    "time_invalid": N_("%(value)s is not a time: write it like 12:00."),
    "weekdays_invalid": N_("%(value)s: write days like mon-fri, sat or mon,wed,fri."),
    "coverage_unknown": N_("No coverage window %(id)s for this client."),
    "shift_unknown": N_("No shift %(id)s."),
    # --- clients created outside a quote ---
    "client_start_reason_required": N_(
        "Write why this client's coverage starts without an accepted quote."
    ),
    # --- the practices' own calendars (CalDAV, invitations) ---
    "calendar_url_invalid": N_("Give an http(s) address of a CalDAV server, or mailto:ADDRESS."),
    "calendar_url_not_allowed": N_(
        "This address is not allowed (only public servers, or calendars.trusted_networks)."
    ),
    "calendar_url_unknown": N_("Nothing was found at this address: check the URL."),
    "calendar_not_a_calendar": N_("This address is not a calendar (an address book?)."),
    "calendar_auth_failed": N_(
        "The calendar server refused the user name or password (use an app password)."
    ),
    "calendar_forbidden": N_("This account may not use this address (check the URL)."),
    "calendar_tls_failed": N_("The server's certificate could not be verified (TLS)."),
    "calendar_unreachable": N_("The calendar server cannot be reached."),
    "calendar_server_error": N_("The calendar server answered with an error (%(status)s)."),
    "calendar_none_found": N_("This account has no calendar."),
    "calendar_choose_one": N_("Several calendars: choose one of %(names)s."),
    "calendar_choice_unknown": N_("No such calendar; there are: %(names)s."),
    "calendar_address_invalid": N_("This e-mail address is not valid."),
    "calendar_key_changed": N_(
        "The calendar's password cannot be read (the encryption key changed): reconnect it."
    ),
    "itip_subject_new": N_("Appointment %(when)s: %(type)s – %(patient)s"),
    "itip_subject_moved": N_("Appointment moved to %(when)s: %(type)s – %(patient)s"),
    "itip_subject_cancel": N_("Appointment cancelled, %(when)s: %(type)s – %(patient)s"),
    "itip_body": N_(
        "%(type)s with %(practitioner)s, %(when)s: %(patient)s. "
        "Your calendar adds, moves or removes the event on its own."
    ),
    "calendar_event_not_found": N_("This calendar event no longer exists."),
    "calendar_connection_not_found": N_("Unknown calendar connection."),
    "calendar_conflict": N_(
        "The practice changed this event in its calendar: check it and keep one version."
    ),
    # --- offers to the network ---
    "offer_unknown": N_("This link does not lead to any offer."),
    "offer_taken": N_("Mission already filled."),
    "offer_expired": N_("This offer has expired: the mission has started."),
    "offer_withdrawn": N_("This offer was withdrawn."),
    "offer_window": N_("The end must come after the start, 24 hours later at most."),
    "offer_past": N_("This gap has already started."),
    "offer_exists": N_("This gap is already offered (offer %(id)s)."),
    "offer_nobody": N_(
        "Nobody is free for this gap: no trained partner with an agreement in force."
    ),
    "offer_not_found": N_("No offer %(id)s."),
    "offer_closed": N_("Offer %(id)s is closed already."),
    "offer_days_ahead": N_("Days ahead: a whole number from 0 to 60."),
    "offer_wave_delay": N_("Delay between waves: a whole number of minutes from 0 to 1440."),
    "offer_when": N_("%(day)s, %(start)s to %(end)s"),
    "offer_sms": N_("Mission offered: %(client)s, %(when)s. To accept or decline: %(link)s"),
    "offer_email_subject": N_("Mission offered: %(client)s, %(when)s"),
    "offer_email_body": N_(
        "Hello %(name)s,\n\nA mission is offered to you: %(client)s, %(when)s.\n"
        "Pay: %(pay)s.\n\nThe first to accept takes it. To accept or decline:\n%(link)s\n"
    ),
    "offer_taken_notice": N_("The mission %(client)s, %(when)s has been taken. Thank you."),
    "offer_won_sms": N_(
        "Confirmed: you are on duty for %(client)s, %(when)s. The fiche is in your e-mail."
    ),
    "offer_won_email_subject": N_("Mission confirmed: %(client)s, %(when)s"),
    "offer_won_email_body": N_(
        "Hello %(name)s,\n\nYou are on duty for %(client)s, %(when)s: calls ring you first."
        "\nPay: %(pay)s.\n\nThe practice's line: %(line)s\n\nFiche:\n%(fiche)s\n"
    ),
    "offer_cancelled_notice": N_("The mission %(client)s, %(when)s is cancelled."),
    "offer_withdrawn_notice": N_(
        "The mission %(client)s, %(when)s is withdrawn: you are no longer on duty for it."
    ),
    "offer_pay_fixed": N_("%(amount)s for the mission"),
    "offer_pay_percent": N_("%(percent)s%% of the calls you answer"),
    "offer_pay_minute": N_("%(amount)s per minute of call"),
    "offer_pay_desk": N_("as usual (the desk's own secretary)"),
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

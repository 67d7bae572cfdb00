"""Phone numbers: everything that enters the desk is normalised here to E.164."""

from __future__ import annotations

import phonenumbers

from desk.base.errors import DomainError

# French overseas departments and territories share the +33 trunk habits (0692…, 0690…)
# but have their own country codes; a number that is not valid in metropolitan France
# is retried against each of them.
OVERSEAS_REGIONS = ("RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF", "NC", "PF", "WF")


class InvalidPhoneNumber(DomainError, ValueError):
    """The input is not a phone number we can dial; the code says why (`raw` quotes it)."""


def normalise(raw: str, region: str = "FR") -> str:
    """Return `raw` as E.164 (`+33612000001`), or raise InvalidPhoneNumber.

    Accepts the forms people type: `06 12 00 00 01`, `0033 6…`, `+33 (0)6…`, `0692…`.
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidPhoneNumber("phone_empty")
    # "+33 (0)6 12…": the national trunk prefix in brackets must go, or it is read as a digit.
    text = text.replace("(0)", "")
    if text.startswith("00"):
        text = "+" + text[2:]
    for candidate_region in (region, *[r for r in OVERSEAS_REGIONS if r != region]):
        try:
            number = phonenumbers.parse(text, candidate_region)
        except phonenumbers.NumberParseException:
            raise InvalidPhoneNumber("phone_not_a_number", raw=raw) from None
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if text.startswith("+"):
            break  # an international number is what it is; other regions will not help
    raise InvalidPhoneNumber("phone_invalid", raw=raw)


def is_mobile(e164: str) -> bool:
    """True when the number can receive SMS (a mobile, or a number that may be one)."""
    number = phonenumbers.parse(e164, None)
    kind = phonenumbers.number_type(number)
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def display(e164: str) -> str:
    """Format for people: `06 12 00 00 01` for French numbers, international otherwise."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

"""Checks every form and import shares: required text, e-mail, phone, SIRET, time zone.

Each returns the cleaned value or raises DomainError naming the field, so the web desk
shows the words next to it and an import names the line and column.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from email_validator import EmailNotValidError, validate_email
from stdnum.fr import siret as stdnum_siret

from desk.base.errors import DomainError
from desk.base.phone import InvalidPhoneNumber, normalise

PASSWORD_MIN = 10


def text(raw: object, field: str, *, max_len: int = 200, required: bool = True) -> str:
    value = str(raw or "").strip()
    if required and not value:
        raise DomainError("required", field=field)
    if len(value) > max_len:
        raise DomainError("too_long", field=field, max=max_len)
    return value


def email(raw: object, field: str = "email", *, required: bool = True) -> str | None:
    value = str(raw or "").strip()
    if not value:
        if required:
            raise DomainError("required", field=field)
        return None
    try:
        # No DNS look-up: a desk set up offline must still save its contacts.
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise DomainError("email_invalid", field=field, value=value) from None
    return checked.normalized.lower()


def phone(raw: object, field: str = "phone", *, required: bool = True) -> str | None:
    value = str(raw or "").strip()
    if not value:
        if required:
            raise DomainError("phone_required", field=field)
        return None
    try:
        return normalise(value)
    except InvalidPhoneNumber as exc:
        raise DomainError(exc.code, field=field, **exc.params) from None


def siret(raw: object, field: str = "siret") -> str:
    value = "".join(str(raw or "").split())
    if not value:
        raise DomainError("required", field=field)
    if not stdnum_siret.is_valid(value):
        raise DomainError("siret_invalid", field=field)
    return stdnum_siret.compact(value)


def timezone(raw: object, field: str = "timezone") -> str:
    value = str(raw or "").strip()
    if value not in available_timezones():
        raise DomainError("timezone_unknown", field=field, value=value)
    try:
        ZoneInfo(value)
    except ZoneInfoNotFoundError:
        raise DomainError("timezone_unknown", field=field, value=value) from None
    return value


def password(raw: object, field: str = "password") -> str:
    value = str(raw or "")
    if len(value) < PASSWORD_MIN:
        raise DomainError("password_too_short", field=field, min=PASSWORD_MIN)
    return value


def seconds(raw: object, field: str, *, low: int = 0, high: int = 3600) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise DomainError("number_invalid", field=field, value=str(raw or "")) from None
    if not low <= value <= high:
        raise DomainError("seconds_invalid", field=field, min=low, max=high)
    return value


def minutes(raw: object, field: str, *, low: int = 0, high: int = 100000) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise DomainError("number_invalid", field=field, value=str(raw or "")) from None
    if not low <= value <= high:
        raise DomainError("minutes_invalid", field=field, min=low, max=high)
    return value

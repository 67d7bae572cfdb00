"""Editing a client's fiche: what the secretaries say, the rules, numbers, contacts, coverage.

Plain functions over a session; they flush, the caller commits. A bad input raises
DomainError naming the field, so the form can show the message next to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base import checks
from desk.base.errors import DomainError, NotFound
from desk.base.wall_time import format_weekdays
from desk.models import Client, Contact, CoverageWindow, DeskNumber

FICHE_FIELDS = (
    "name",
    "greeting",
    "fiche",
    "after_hours_mode",
    "after_hours_message",
    "emergency_number",
    "message_delivery",
    "holiday_policy",
    "ring_pair_together",
    "queue_max_wait_seconds",
    "privacy_mode",
    "min_notice_minutes",
    "cancel_cutoff_minutes",
)


AFTER_HOURS_MODES = ("voicemail", "message")
DELIVERY_MODES = ("immediate", "digest")


_SHORT_NUMBER = re.compile(r"(?:\+33|0033)?(\d{2,4})")


def _phone(raw: str | None, field: str, *, required: bool) -> str | None:
    return checks.phone(raw, field, required=required)


def _choice(value: object, field: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise DomainError("choice_invalid", field=field, value=value, choices=", ".join(choices))
    return str(value)


def update_fiche(client: Client, values: dict[str, Any]) -> Client:
    """Set the fiche fields present in `values`."""
    unknown = set(values) - set(FICHE_FIELDS)
    if unknown:
        raise ValueError(f"not fiche fields: {sorted(unknown)}")
    values = dict(values)
    if "name" in values:
        values["name"] = checks.text(values["name"], "name")
    if "after_hours_mode" in values:
        values["after_hours_mode"] = _choice(
            values["after_hours_mode"], "after_hours_mode", AFTER_HOURS_MODES
        )
    if "message_delivery" in values:
        values["message_delivery"] = _choice(
            values["message_delivery"], "message_delivery", DELIVERY_MODES
        )
    if "holiday_policy" in values:
        values["holiday_policy"] = _choice(
            values["holiday_policy"], "holiday_policy", ("closed", "covered")
        )
    for key in ("min_notice_minutes", "cancel_cutoff_minutes"):
        if key in values:
            values[key] = checks.minutes(values[key], key)
    if "queue_max_wait_seconds" in values:
        values["queue_max_wait_seconds"] = checks.seconds(
            values["queue_max_wait_seconds"], "queue_max_wait_seconds", high=3600
        )
    if "emergency_number" in values:
        raw = values["emergency_number"]
        # Short emergency numbers (15, 112, 115) are not E.164 and are kept short, also
        # when written as one ("+33115", as the demo stores it, saved back unchanged).
        short = _SHORT_NUMBER.fullmatch("".join(str(raw or "").split()))
        if raw and short:
            values["emergency_number"] = short.group(1)
        else:
            values["emergency_number"] = _phone(raw, "emergency_number", required=False)
    for key, value in values.items():
        setattr(client, key, value)
    return client


def add_desk_number(session: Session, client: Client, number: str, label: str = "") -> DeskNumber:
    e164 = _phone(number, "number", required=True)
    taken = session.scalar(select(DeskNumber).where(DeskNumber.number == e164))
    if taken is not None:
        raise DomainError("desk_number_taken", field="number", value=e164)
    row = DeskNumber(client_id=client.id, number=e164, label=label.strip())
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class ContactInput:
    name: str
    phone: str | None = None
    email: str | None = None
    receives_sms: bool = True
    receives_email: bool = True
    urgent_only: bool = False


def add_contact(session: Session, client: Client, data: ContactInput) -> Contact:
    name = checks.text(data.name, "name")
    phone = _phone(data.phone, "phone", required=False)
    email = checks.email(data.email, "email", required=False)
    if phone is None and email is None:
        raise DomainError("contact_needs_phone_or_email", field="phone")
    row = Contact(
        client_id=client.id,
        name=name,
        phone=phone,
        email=email,
        receives_sms=data.receives_sms and phone is not None,
        receives_email=data.receives_email and email is not None,
        urgent_only=data.urgent_only,
    )
    session.add(row)
    session.flush()
    return row


def add_coverage(
    session: Session,
    client: Client,
    weekdays: list[int],
    start: time,
    end: time,
    valid_from: date | None = None,
    valid_until: date | None = None,
    *,
    overnight: bool = False,
) -> CoverageWindow:
    """A window from `start` to `end`, local wall time. End before start (22:00-07:00) is a
    window across midnight, accepted only when `overnight` says so: a reversed 14:00-12:00
    typed by mistake is an error, not a 22-hour window."""
    if not weekdays or any(not 0 <= d <= 6 for d in weekdays):
        raise DomainError("weekdays_required", field="weekdays")
    if start == end:
        raise DomainError("end_equals_start", field="end")
    if end < start and not overnight:
        raise DomainError("window_reversed", field="end")
    if overnight and end > start:
        raise DomainError("overnight_not_reversed", field="overnight")
    if valid_from and valid_until and valid_until < valid_from:
        raise DomainError("validity_ends_before_start", field="valid_until")
    row = CoverageWindow(
        client_id=client.id,
        weekdays=format_weekdays(weekdays),
        start_local=start,
        end_local=end,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    session.add(row)
    session.flush()
    return row


PARTS: dict[str, type[DeskNumber] | type[Contact] | type[CoverageWindow]] = {
    "number": DeskNumber,
    "contact": Contact,
    "coverage": CoverageWindow,
}


def remove_part(session: Session, client: Client, kind: str, part_id: int) -> None:
    """Delete one desk number, contact or coverage window of `client`."""
    model = PARTS.get(kind)
    row = session.get(model, part_id) if model is not None else None
    if row is None or getattr(row, "client_id", None) != client.id:
        raise NotFound("client_part_not_found", kind=kind)
    session.delete(row)
    session.flush()

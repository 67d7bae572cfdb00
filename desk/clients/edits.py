"""Editing a client's fiche: what the secretaries say, the rules, numbers, contacts, coverage.

Plain functions over a session; they flush, the caller commits. A bad input raises
DomainError naming the field, so the form can show the message next to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError, NotFound
from desk.base.phone import InvalidPhoneNumber, normalise
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
    "ring_pair_together",
    "privacy_mode",
    "min_notice_minutes",
    "cancel_cutoff_minutes",
)


def _phone(raw: str | None, field: str, *, required: bool) -> str | None:
    if not (raw or "").strip():
        if required:
            raise DomainError("phone_empty", field=field)
        return None
    try:
        return normalise(raw or "")
    except InvalidPhoneNumber as exc:
        raise DomainError(exc.code, field=field, **exc.params) from None


def update_fiche(client: Client, values: dict[str, Any]) -> Client:
    """Set the fiche fields present in `values`."""
    unknown = set(values) - set(FICHE_FIELDS)
    if unknown:
        raise ValueError(f"not fiche fields: {sorted(unknown)}")
    values = dict(values)
    if "emergency_number" in values:
        raw = values["emergency_number"]
        # Short emergency numbers (15, 112) are not E.164 and are kept as typed.
        if raw and str(raw).strip().isdigit() and len(str(raw).strip()) <= 4:
            values["emergency_number"] = str(raw).strip()
        else:
            values["emergency_number"] = _phone(raw, "emergency_number", required=False)
    for key, value in values.items():
        setattr(client, key, value)
    return client


def add_desk_number(session: Session, client: Client, number: str, label: str = "") -> DeskNumber:
    e164 = _phone(number, "number", required=True)
    taken = session.scalar(select(DeskNumber).where(DeskNumber.number == e164))
    if taken is not None:
        raise DomainError("desk_number_taken", field="number")
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
    phone = _phone(data.phone, "phone", required=False)
    email = (data.email or "").strip() or None
    if phone is None and email is None:
        raise DomainError("contact_needs_phone_or_email", field="phone")
    row = Contact(
        client_id=client.id,
        name=data.name.strip(),
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
) -> CoverageWindow:
    if not weekdays:
        raise DomainError("weekdays_required", field="weekdays")
    if start == end:
        raise DomainError("end_equals_start", field="end")
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

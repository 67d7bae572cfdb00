"""Find appointments by patient name or phone number, among the clients one may see."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desk.base.phone import InvalidPhoneNumber, normalise
from desk.models import Appointment
from desk.models.states import AppointmentStatus


def find_appointments(
    session: Session,
    client_ids: list[int],
    query: str,
    now: datetime,
    *,
    limit: int = 50,
) -> list[Appointment]:
    """Booked appointments of `client_ids` whose patient's name contains `query`, or whose
    phone is `query` once normalised; from yesterday on, soonest first."""
    text = " ".join(query.split())
    if not text or not client_ids:
        return []
    conditions = [func.lower(Appointment.patient_name).contains(text.lower(), autoescape=True)]
    # Not a phone number: the name alone is searched.
    with suppress(InvalidPhoneNumber):
        conditions.append(Appointment.patient_phone == normalise(text))
    rows = session.scalars(
        select(Appointment)
        .where(
            Appointment.client_id.in_(client_ids),
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at >= now - timedelta(days=1),
            or_(*conditions),
        )
        .order_by(Appointment.starts_at)
        .limit(limit)
    )
    return list(rows)

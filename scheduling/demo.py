"""Demo appointments over the coming week, so the demo calendar and feed are not empty."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import AppointmentType, Client, Practitioner
from scheduling.availability import availability
from scheduling.booking import book, cancel, reschedule

PATIENTS = (
    ("Marie Dupont", "06 12 34 56 01", "Consultation"),
    ("Jean-Luc Roux", "06 12 34 56 02", "Soins"),
    ("Fatima Haddad", "06 12 34 56 03", "Consultation"),
    ("Lucas Bernard", None, "Urgence"),
    ("Chloé Petit", "06 12 34 56 05", "Soins"),
    ("Henri Moreau", "06 12 34 56 06", "Consultation"),
)


def book_demo_appointments(session: Session, client: Client, now: datetime) -> int:
    """Book a handful of appointments for `client` over the coming week, reschedule one
    and cancel one; returns how many were booked. Called once, when the demo is created.

    Runs in the caller's unit of work: booking goes on in it, never commits it.
    """
    practitioners = list(
        session.scalars(
            select(Practitioner)
            .where(Practitioner.client_id == client.id)
            .order_by(Practitioner.id)
        )
    )
    types = {
        t.name: t
        for t in session.scalars(
            select(AppointmentType).where(AppointmentType.client_id == client.id)
        )
    }
    if not practitioners or not types:
        return 0
    booked = []
    for n, (name, phone, type_name) in enumerate(PATIENTS):
        practitioner = practitioners[n % len(practitioners)]
        appointment_type = types.get(type_name) or next(iter(types.values()))
        slots = availability(
            session,
            client_id=client.id,
            practitioner_id=practitioner.id,
            type_id=appointment_type.id,
            start=now,
            end=now + timedelta(days=7),
            now=now,
        )
        if not slots:
            continue
        slot = slots[(len(slots) * (n + 1)) // (len(PATIENTS) + 2)]
        booked.append(
            book(
                session,
                client_id=client.id,
                practitioner_id=practitioner.id,
                type_id=appointment_type.id,
                starts_at=slot.starts_at,
                patient_name=name,
                patient_phone=phone,
                now=now,
                actor="demo",
                source="demo",
            )
        )
    if len(booked) >= 3:
        moved = booked[1]
        free = availability(
            session,
            client_id=client.id,
            practitioner_id=moved.practitioner_id,
            type_id=moved.type_id,
            start=moved.starts_at + timedelta(days=1),
            end=now + timedelta(days=8),
            now=now,
        )
        if free:
            reschedule(session, moved.id, starts_at=free[0].starts_at, now=now, actor="demo")
        cancel(session, booked[2].id, now=now, actor="demo", reason="démo")
    return len(booked)

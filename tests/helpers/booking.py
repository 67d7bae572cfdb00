"""The demo practice's bookings, as the booking, calendar and agenda tests make them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from desk.base.db import Database
from desk.models import AppointmentType, BusyBlock, CalendarSource, Practitioner
from scheduling.booking import book
from tests.helpers.database import demo_id

NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # Monday 08:00 in Paris
MONDAY_9 = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)  # next Monday, 09:00 in Paris
MONDAY_930 = datetime(2026, 3, 9, 8, 30, tzinfo=UTC)


def ids(db: Database) -> dict[str, int]:
    with db.session() as s:
        client_id = demo_id(s)
        martin = s.scalar(select(Practitioner.id).where(Practitioner.name.contains("Martin")))
        consultation = s.scalar(
            select(AppointmentType.id).where(AppointmentType.name == "Consultation")
        )
    assert martin is not None and consultation is not None
    return {"client_id": client_id, "practitioner_id": martin, "type_id": consultation}


def seed_week(db: Database) -> None:
    known = ids(db)
    with db.session() as s:
        book(s, **known, starts_at=MONDAY_9, patient_name="Jeanne Petit", now=NOW)
        source = CalendarSource(client_id=known["client_id"], url="https://example.test/c.ics")
        s.add(source)
        s.flush()
        s.add(
            BusyBlock(
                source_id=source.id,
                client_id=known["client_id"],
                starts_at=datetime(2026, 3, 10, 13, 0, tzinfo=UTC),  # Tuesday 14:00 in Paris
                ends_at=datetime(2026, 3, 10, 15, 0, tzinfo=UTC),
                summary="Formation",
            )
        )

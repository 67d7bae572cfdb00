"""Factories for appointment tests: a practice open Monday to Friday, 9-12 and 14-18 Paris."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy.orm import Session

from desk.models import AppointmentType, Client, OpeningHours, Practitioner

# Monday 1 March 2027, 09:00 in Paris.
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


@dataclass
class Practice:
    client: Client
    practitioner: Practitioner
    type: AppointmentType

    @property
    def ids(self) -> dict[str, int]:
        return {
            "client_id": self.client.id,
            "practitioner_id": self.practitioner.id,
            "type_id": self.type.id,
        }


def make_practice(
    session: Session,
    *,
    duration: int = 30,
    buffer: int = 0,
    hours: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(14), time(18))),
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
    **client_fields: object,
) -> Practice:
    slug = f"cabinet-{uuid.uuid4().hex[:8]}"
    client = Client(slug=slug, name="Cabinet du Parc", own_line="+33145000000", **client_fields)
    session.add(client)
    session.flush()
    practitioner = Practitioner(client_id=client.id, name="Dr Paul Martin")
    appointment_type = AppointmentType(
        client_id=client.id, name="Consultation", duration_minutes=duration, buffer_minutes=buffer
    )
    session.add_all([practitioner, appointment_type])
    session.flush()
    for weekday in weekdays:
        for start, end in hours:
            session.add(
                OpeningHours(
                    practitioner_id=practitioner.id,
                    weekday=weekday,
                    start_local=start,
                    end_local=end,
                )
            )
    session.commit()
    return Practice(client, practitioner, appointment_type)

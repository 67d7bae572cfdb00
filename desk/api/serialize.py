"""JSON shapes of the API's objects (shared by the handlers and the problem answers)."""

from __future__ import annotations

from typing import Any

from desk.models import Appointment
from scheduling.availability import Slot


def slot_json(s: Slot) -> dict[str, str]:
    return {"starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat()}


def appointment_json(a: Appointment) -> dict[str, Any]:
    return {
        "id": a.id,
        "uid": a.uid,
        "practitioner_id": a.practitioner_id,
        "type_id": a.type_id,
        "starts_at": a.starts_at.isoformat(),
        "ends_at": a.ends_at.isoformat(),
        "patient_name": a.patient_name,
        "patient_phone": a.patient_phone,
        "notes": a.notes,
        "status": a.status,
        "sequence": a.sequence,
        "version": a.version,
        "updated_at": a.updated_at.isoformat(),
    }

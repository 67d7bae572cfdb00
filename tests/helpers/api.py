"""The booking API's tests: a practice with an API key, and an appointment to post."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from desk.base.db import Database
from scheduling.tokens import create_api_key
from tests.conftest import pin_clock
from tests.helpers.appointments import NOW, Practice, make_practice

MONDAY_9 = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)


def setup_api(db: Database, app: Flask) -> tuple[Practice, dict[str, str]]:
    """A practice (the clock at NOW) and the headers carrying its API key."""
    pin_clock(app, NOW)
    with db.session() as s:
        practice = make_practice(s)
        _, key = create_api_key(s, practice.client.id, "test", NOW)
    return practice, {"Authorization": f"Bearer {key}"}


def new_appointment(practice: Practice, at: datetime, **extra: object) -> dict[str, object]:
    """The body of a POST booking Marie Dupont at `at`."""
    return {
        "practitioner_id": practice.practitioner.id,
        "type_id": practice.type.id,
        "starts_at": at.isoformat(),
        "patient_name": "Marie Dupont",
        **extra,
    }

"""A practice with a calendar feed, and bookings into it (feeds, attack tests)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from desk.base.db import Database
from scheduling.booking import book
from scheduling.tokens import create_feed_token
from tests.conftest import pin_clock
from tests.helpers.appointments import NOW, Practice, make_practice


def feed_practice(db: Database, app: Flask, **client_fields: object) -> tuple[Practice, str]:
    """A practice and the path of its client's feed, the app's clock at NOW."""
    pin_clock(app, NOW)
    with db.session() as s:
        practice = make_practice(s, **client_fields)
        token = create_feed_token(s, practice.client.id, None, NOW).token
    return practice, f"/feeds/{token}.ics"


def book_into(db: Database, practice: Practice, at: datetime, name: str, **kw: object) -> int:
    """Book `name` at `at` with the practice's first practitioner and type; its id."""
    with db.session() as s:
        return book(s, **practice.ids, starts_at=at, patient_name=name, now=NOW, **kw).id  # type: ignore[arg-type]

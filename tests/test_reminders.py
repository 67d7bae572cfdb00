from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.models import Appointment, Outbox
from scheduling.booking import book, reschedule
from scheduling.reminders import send_due_reminders
from tests.helpers.appointments import NOW, Practice, make_practice

BASE = "https://desk.example.test"
THURSDAY_9 = datetime(2027, 3, 4, 8, 0, tzinfo=UTC)  # booked three days ahead
MONDAY_9_LATER = datetime(2027, 3, 15, 8, 0, tzinfo=UTC)  # booked two weeks ahead


def _reminders(session: Session) -> list[Outbox]:
    return list(session.scalars(select(Outbox).where(Outbox.kind == "reminder")))


def _book_marie(session: Session, practice: Practice, starts_at: datetime) -> Appointment:
    return book(
        session,
        **practice.ids,
        starts_at=starts_at,
        patient_name="Marie Dupont",
        patient_phone="0612345678",
        now=NOW,
    )


def test_the_reminder_goes_the_day_before_once(session: Session) -> None:
    practice = make_practice(session)
    appt = _book_marie(session, practice, THURSDAY_9)
    session.commit()
    assert send_due_reminders(session, THURSDAY_9 - timedelta(days=1, minutes=5), BASE) == 0
    day_before = THURSDAY_9 - timedelta(days=1)
    assert send_due_reminders(session, day_before, BASE) == 1
    assert send_due_reminders(session, day_before + timedelta(minutes=5), BASE) == 0
    (sms,) = _reminders(session)
    assert sms.recipient == "+33612345678" and f"{BASE}/c/{appt.cancel_token}" in sms.body
    assert "jeudi 4 mars à 9h00" in sms.body


def test_booked_more_than_a_week_ahead_the_reminder_goes_two_days_before(session: Session) -> None:
    practice = make_practice(session)
    _book_marie(session, practice, MONDAY_9_LATER)
    session.commit()
    assert send_due_reminders(session, MONDAY_9_LATER - timedelta(days=2, minutes=1), BASE) == 0
    assert send_due_reminders(session, MONDAY_9_LATER - timedelta(days=2), BASE) == 1


def test_a_rescheduled_appointment_gets_a_new_reminder(session: Session) -> None:
    practice = make_practice(session)
    appt = _book_marie(session, practice, THURSDAY_9)
    session.commit()
    send_due_reminders(session, THURSDAY_9 - timedelta(days=1), BASE)
    session.commit()  # the sweep's job commits
    reschedule(
        session, appt.id, starts_at=THURSDAY_9 + timedelta(hours=1), now=NOW + timedelta(hours=1)
    )
    session.commit()
    assert send_due_reminders(session, THURSDAY_9 - timedelta(hours=1), BASE) == 1
    assert len(_reminders(session)) == 2


def test_a_second_scheduler_sweeping_too_sends_nothing_twice(db: Database) -> None:
    with db.session() as s:
        practice = make_practice(s)
        for hour in range(3):
            book(
                s,
                **practice.ids,
                starts_at=THURSDAY_9 + timedelta(hours=hour),
                patient_name="P",
                patient_phone="0612345678",
                now=NOW,
            )
    at = THURSDAY_9 - timedelta(hours=12)
    with db.session() as first:
        sent = send_due_reminders(first, at, BASE)
    with db.session() as second:
        sent += send_due_reminders(second, at, BASE)
    assert sent == 3
    with db.session() as s:
        assert len(_reminders(s)) == 3

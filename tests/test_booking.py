from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.base.errors import Conflict, DomainError
from desk.models import Appointment, AuditEvent, Outbox
from scheduling.booking import SlotTaken, book, cancel, reschedule
from tests.helpers.appointments import NOW, make_practice

MONDAY_9 = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)  # 09:00 Paris


def test_a_booking_blocks_its_slot_and_its_buffer_and_is_audited(session: Session) -> None:
    practice = make_practice(session, duration=30, buffer=10)
    appt = book(session, **practice.ids, starts_at=MONDAY_9, patient_name="Marie Dupont", now=NOW)
    session.commit()
    assert appt.ends_at == MONDAY_9 + timedelta(minutes=30)
    assert appt.blocked_until == MONDAY_9 + timedelta(minutes=40)
    assert appt.sequence == 0 and appt.status == "booked" and appt.uid
    with pytest.raises(SlotTaken) as taken:
        book(
            session,
            **practice.ids,
            starts_at=MONDAY_9 + timedelta(minutes=30),
            patient_name="Jean Roux",
            now=NOW,
        )
    session.rollback()
    # Slots step by the duration from the opening: 09:30 is in the buffer, 10:00 is next.
    assert taken.value.next_slots[0].starts_at == MONDAY_9 + timedelta(minutes=60)
    # (Setting up the practice writes audit rows of its own: only the bookings' here.)
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "appointment")
    ).all()
    assert actions == ["appointment.booked"]


def test_a_reschedule_keeps_the_uid_and_bumps_the_sequence(session: Session) -> None:
    practice = make_practice(session)
    appt = book(session, **practice.ids, starts_at=MONDAY_9, patient_name="Marie Dupont", now=NOW)
    session.commit()
    uid = appt.uid
    later = NOW + timedelta(hours=1)
    moved = reschedule(session, appt.id, starts_at=MONDAY_9 + timedelta(hours=1), now=later)
    session.commit()
    assert moved.uid == uid and moved.sequence == 1 and moved.updated_at == later
    # The old slot is free again.
    again = book(session, **practice.ids, starts_at=MONDAY_9, patient_name="Jean Roux", now=NOW)
    session.commit()
    assert again.id != appt.id


def test_a_cancel_keeps_the_row_and_frees_the_slot(session: Session) -> None:
    practice = make_practice(session)
    appt = book(session, **practice.ids, starts_at=MONDAY_9, patient_name="Marie Dupont", now=NOW)
    session.commit()
    cancel(session, appt.id, now=NOW)
    cancel(session, appt.id, now=NOW)  # harmless twice
    session.commit()
    assert appt.status == "cancelled" and appt.sequence == 1
    book(session, **practice.ids, starts_at=MONDAY_9, patient_name="Jean Roux", now=NOW)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Appointment)) == 2


def test_bad_input_names_the_field(session: Session) -> None:
    practice = make_practice(session)
    cases = [
        ({"patient_name": "  "}, "patient_name"),
        ({"patient_phone": "not a number"}, "patient_phone"),
        ({"starts_at": MONDAY_9.replace(hour=6)}, "starts_at"),  # 07:00 Paris: closed
        ({"starts_at": NOW + timedelta(minutes=30)}, "starts_at"),  # within the notice
    ]
    for override, field in cases:
        kwargs = {"starts_at": MONDAY_9, "patient_name": "Marie Dupont", "now": NOW, **override}
        with pytest.raises(DomainError) as error:
            book(session, **practice.ids, **kwargs)  # type: ignore[arg-type]
        session.rollback()
        assert error.value.field == field
        assert not isinstance(error.value, Conflict)


def test_a_booking_queues_the_confirmation_with_a_cancel_link(session: Session) -> None:
    practice = make_practice(session)
    appt = book(
        session,
        **practice.ids,
        starts_at=MONDAY_9,
        patient_name="Marie Dupont",
        patient_phone="06 12 34 56 78",
        now=NOW,
        public_base_url="https://desk.example.test",
    )
    session.commit()
    sms = session.scalars(select(Outbox)).one()
    assert sms.recipient == "+33612345678" and sms.kind == "confirmation"
    assert f"https://desk.example.test/c/{appt.cancel_token}" in sms.body
    assert "lundi 8 mars à 9h00" in sms.body
    assert appt.confirmation_sent_at == NOW


def test_twenty_concurrent_bookings_of_one_slot_give_exactly_one_appointment(db: Database) -> None:
    with db.session() as s:
        practice = make_practice(s)
        ids = practice.ids
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        s = db.Session()
        try:
            barrier.wait()
            book(s, **ids, starts_at=MONDAY_9, patient_name=f"Patient {n}", now=NOW)
            s.commit()
            result = "booked"
        except SlotTaken as exc:
            s.rollback()
            result = "taken" if exc.next_slots else "taken-without-offer"
        finally:
            s.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["booked"] + ["taken"] * 19
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == 1

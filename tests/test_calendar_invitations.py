"""Invitations by e-mail (RFC 6047) for calendars without CalDAV: a booking, a move and a
cancel each reach a real SMTP server (aiosmtpd) once, as the iTIP a calendar app reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import icalendar
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.outbox.dispatch import Dispatcher
from scheduling.booking import book, cancel, reschedule
from scheduling.calendars import connections
from tests.helpers.appointments import NOW, make_practice
from tests.helpers.caldav_servers import calendar_settings
from tests.helpers.local_servers import SmtpServer, smtp_overrides

DESK = "permanence@desk.example.test"
DOCTOR = "dr.martin@example.org"
TUESDAY_9 = datetime(2027, 3, 2, 8, 0, tzinfo=UTC)


def itip(message: EmailMessage) -> tuple[str, icalendar.Calendar]:
    """The method parameter of the text/calendar part, and the part parsed."""
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return str(part.get_param("method")), icalendar.Calendar.from_ical(part.get_content())


def test_a_booking_a_move_and_a_cancel_arrive_as_request_update_and_cancel_once(
    db: Database, session: Session, tmp_path: Path
) -> None:
    practice = make_practice(session)
    connections.add_connection(
        session,
        client_id=practice.client.id,
        practitioner_id=practice.practitioner.id,
        found=None,
        address=DOCTOR,
        username=DESK,
        now=NOW,
    )
    session.commit()
    with SmtpServer() as smtp:
        settings = calendar_settings(db.url, tmp_path, **smtp_overrides(smtp, from_address=DESK))

        def dispatch() -> int:
            return Dispatcher(db, settings, clock=lambda: NOW + timedelta(minutes=1)).run().sent

        appt = book(
            session, **practice.ids, starts_at=TUESDAY_9, patient_name="Marie Dupont", now=NOW
        )
        session.commit()
        assert dispatch() == 1
        reschedule(session, appt.id, starts_at=TUESDAY_9 + timedelta(hours=1), now=NOW)
        session.commit()
        cancel(session, appt.id, now=NOW)
        session.commit()
        assert dispatch() == 2
        assert dispatch() == 0  # exactly once each
        received = smtp.received

    assert [envelope.rcpt_tos for envelope, _ in received] == [[DOCTOR]] * 3
    methods, events = [], []
    for _, message in received:
        method, calendar = itip(message)
        assert calendar["METHOD"] == method
        methods.append(method)
        [event] = calendar.walk("VEVENT")
        events.append(event)
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({str(e["UID"]) for e in events}) == 1
    assert [e["SEQUENCE"] for e in events] == [0, 1, 2]
    first, moved, cancelled = events
    assert first["DTSTART"].params["TZID"] == "Europe/Paris"
    assert first.decoded("DTSTART").astimezone(UTC) == TUESDAY_9
    assert moved.decoded("DTSTART").astimezone(UTC) == TUESDAY_9 + timedelta(hours=1)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(first["ORGANIZER"]) == f"mailto:{DESK}"
    assert str(first["ATTENDEE"]) == f"mailto:{DOCTOR}"
    # The calendar app needs the zone's rules with the TZID.
    [zone] = icalendar.Calendar.from_ical(
        received[0][1].get_body(("calendar",)).get_content()  # type: ignore[union-attr]
    ).walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Paris"
    subjects = [message["Subject"] for _, message in received]
    assert subjects[0].startswith("Rendez-vous le 02/03/2027 09:00")
    assert subjects[1].startswith("Rendez-vous déplacé au 02/03/2027 10:00")
    assert subjects[2].startswith("Rendez-vous annulé")

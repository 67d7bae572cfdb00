"""An appointment as the iCalendar object pushed to a calendar or sent as an invitation.

One UID per appointment (its `uid`, the feeds' too), SEQUENCE = the appointment's
(bumped by every move and cancel), DTSTART/DTEND in the practice's zone with a TZID and
its VTIMEZONE: never floating, never UTC-only (Cal.com's and Easy!Appointments' trackers
show events drifting by an hour when either is done).
"""

from __future__ import annotations

from icalendar import Calendar, vCalAddress, vText
from sqlalchemy.orm import Session

from desk.models import Appointment, AppointmentType, Client, Practitioner
from desk.models.states import AppointmentStatus
from scheduling.feed_parts import Variant, event_for

PRODID = "-//Permanence//Desk calendar//FR"


def variant_of(session: Session, appt: Appointment) -> tuple[Client, Variant]:
    client = session.get(Client, appt.client_id)
    practitioner = session.get(Practitioner, appt.practitioner_id)
    kind = session.get(AppointmentType, appt.type_id)
    assert client is not None
    return client, Variant(
        client.timezone,
        client.privacy_mode,
        client.feed_show_phone,
        kind.name if kind else "",
        practitioner.name if practitioner else "",
    )


def calendar_object(
    session: Session,
    appt: Appointment,
    *,
    method: str | None = None,
    organizer: str = "",
    attendee: str = "",
) -> bytes:
    """The VCALENDAR of one event; with `method` (REQUEST, CANCEL) an iTIP message
    (RFC 5546) whose ORGANIZER is `organizer` and ATTENDEE the practitioner's address."""
    client, variant = variant_of(session, appt)
    event = event_for(appt, variant)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
        sender = vCalAddress(f"mailto:{organizer}")
        sender.params["cn"] = vText(client.name)
        event.add("organizer", sender)
        guest = vCalAddress(f"mailto:{attendee}")
        guest.params["cn"] = vText(variant.practitioner_name or client.name)
        guest.params["partstat"] = vText("ACCEPTED")
        guest.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", guest)
    if appt.status == AppointmentStatus.CANCELLED:
        event["status"] = "CANCELLED"
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())

"""Invitations by e-mail (iTIP over e-mail, RFC 6047) for calendars without CalDAV access.

Gmail and Outlook put a `text/calendar; method=REQUEST` part in the calendar when the
message arrives: each booking is a REQUEST, a move the same UID with a higher SEQUENCE
(the calendar app updates its event), a cancel a `METHOD:CANCEL`. Each goes through
the outbox with the key `itip:<connection>:<appointment>:<sequence>`: once each,
even when two processes race.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from desk.base.words import gettext_for, word
from desk.models import Appointment, CalendarConnection
from desk.models.states import AppointmentStatus, Channel
from desk.outbox.queue import enqueue
from scheduling.calendars.events import calendar_object, variant_of
from scheduling.feed_parts import private_name

MAILTO = "mailto:"


def queue_invitation(session: Session, connection: CalendarConnection, appt: Appointment) -> None:
    address = connection.url.removeprefix(MAILTO)
    cancelled = appt.status == AppointmentStatus.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    client, variant = variant_of(session, appt)
    gettext = gettext_for(client.locale or "fr")
    local = appt.starts_at.astimezone(ZoneInfo(client.timezone))
    params = {
        "type": variant.type_name,
        "patient": private_name(appt.patient_name) if variant.privacy else appt.patient_name,
        "when": local.strftime("%d/%m/%Y %H:%M"),
        "practitioner": variant.practitioner_name,
    }
    if cancelled:
        subject = word("itip_subject_cancel", gettext, **params)
    elif appt.sequence:
        subject = word("itip_subject_moved", gettext, **params)
    else:
        subject = word("itip_subject_new", gettext, **params)
    ics = calendar_object(
        session, appt, method=method, organizer=connection.username or address, attendee=address
    )
    enqueue(
        session,
        channel=Channel.EMAIL,
        recipient=address,
        subject=subject,
        body=word("itip_body", gettext, **params),
        kind="invitation",
        client_id=appt.client_id,
        appointment_id=appt.id,
        dedupe_key=f"itip:{connection.id}:{appt.id}:{appt.sequence}",
        attachments=[("invite.ics", f"text/calendar; method={method}", ics)],
    )

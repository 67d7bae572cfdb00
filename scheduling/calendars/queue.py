"""The push queue, written in the booking's own transaction.

`appointment_changed` is called once each by book, reschedule and cancel
(scheduling/booking.py): it marks the appointment's event `pending` in every CalDAV
calendar the appointment belongs to, and queues an iTIP e-mail for every invitation
address (through the outbox). Nothing talks to a server here, so a calendar that is down
never slows nor fails a booking. After the commit, `WAKE` wakes the in-process pusher
(`desk run`), as the outbox does its dispatcher; see `scheduling/calendars/push.py`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from desk.base.wake_after_commit import WakeAfterCommit
from desk.models import Appointment, CalendarConnection, CalendarEvent
from desk.models.calendars import ConnectionKind, ConnectionState, PushState
from desk.models.states import AppointmentStatus

# Its in-process worker (`desk run`) is woken when a transaction that queued work commits.
WAKE = WakeAfterCommit("calendars")


def connections_for(session: Session, appt: Appointment) -> list[CalendarConnection]:
    return list(
        session.scalars(
            select(CalendarConnection)
            .where(
                CalendarConnection.client_id == appt.client_id,
                CalendarConnection.state != ConnectionState.DISCONNECTED,
                or_(
                    CalendarConnection.practitioner_id.is_(None),
                    CalendarConnection.practitioner_id == appt.practitioner_id,
                ),
            )
            .order_by(CalendarConnection.id)
        )
    )


def appointment_changed(session: Session, appt: Appointment, now: datetime) -> None:
    """Queue the appointment's new state for its calendars. The caller commits."""
    for connection in connections_for(session, appt):
        if connection.kind == ConnectionKind.INVITATION:
            from scheduling.calendars.invitations import queue_invitation

            queue_invitation(session, connection, appt)
            continue
        row = session.scalar(
            select(CalendarEvent).where(
                CalendarEvent.connection_id == connection.id,
                CalendarEvent.appointment_id == appt.id,
            )
        )
        if row is None:
            session.add(
                CalendarEvent(
                    connection_id=connection.id,
                    appointment_id=appt.id,
                    uid=appt.uid,
                    state=PushState.PENDING,
                    next_attempt_at=now,
                )
            )
        else:
            # A pusher holding the row keeps its claim; it leaves the row pending when
            # it finishes, and the next round pushes this newer state.
            row.state = PushState.PENDING
            row.attempts = 0
            row.next_attempt_at = now
        WAKE.mark(session)


def queue_upcoming(session: Session, connection: CalendarConnection, now: datetime) -> int:
    """A new connection receives the appointments already booked ahead (not the past
    ones): one pending event each. The caller commits; returns how many."""
    query = select(Appointment.id, Appointment.uid).where(
        Appointment.client_id == connection.client_id,
        Appointment.status == AppointmentStatus.BOOKED,
        Appointment.ends_at > now,
    )
    if connection.practitioner_id is not None:
        query = query.where(Appointment.practitioner_id == connection.practitioner_id)
    rows = [
        {
            "connection_id": connection.id,
            "appointment_id": appointment_id,
            "uid": uid,
            "state": PushState.PENDING,
            "next_attempt_at": now,
            "attempts": 0,
            "deleted": False,
        }
        for appointment_id, uid in session.execute(query)
    ]
    if rows:
        session.execute(insert(CalendarEvent), rows)
        WAKE.mark(session)
    return len(rows)


def push_again(session: Session, row: CalendarEvent, now: datetime) -> None:
    """Send this event again at once (after a secretary's choice). The caller commits."""
    row.state = PushState.PENDING
    row.attempts = 0
    row.next_attempt_at = now
    WAKE.mark(session)

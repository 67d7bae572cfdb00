"""Patients' SMS: the confirmation on booking and the reminder before the appointment.

The reminder sweep claims each appointment by compare-and-set on `reminder_sent_at`
(DESIGN §6), so a second scheduler or a crash never sends one twice; the SMS itself is
an outbox row written in the same transaction as the claim.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk.base.phone import is_mobile
from desk.base.wall_time import MONTHS_FR, WEEKDAYS_FR
from desk.models import Appointment, Client, Practitioner
from desk.models.feed_version import FEED_UNCHANGED
from desk.models.states import AppointmentStatus, Channel
from desk.outbox.queue import enqueue

# Booked further ahead than this, the reminder goes one day earlier.
FAR_AHEAD = timedelta(days=7)
MAX_REMINDER_DAYS = 8


def cancel_url(public_base_url: str, appt: Appointment) -> str:
    return f"{public_base_url.rstrip('/')}/c/{appt.cancel_token}"


def when_fr(at: datetime, tz: ZoneInfo) -> str:
    """ "mardi 30 mars à 14h15", in the client's time zone."""
    local = at.astimezone(tz)
    return (
        f"{WEEKDAYS_FR[local.weekday()]} {local.day} {MONTHS_FR[local.month - 1]} "
        f"à {local.hour}h{local.minute:02d}"
    )


def _can_text(phone: str | None) -> bool:
    return bool(phone) and is_mobile(phone or "")


def queue_confirmation(
    session: Session, appt: Appointment, client: Client, public_base_url: str, now: datetime
) -> bool:
    """Queue the booking confirmation; False when the patient has no mobile number."""
    if not _can_text(appt.patient_phone) or appt.confirmation_sent_at is not None:
        return False
    practitioner = session.get(Practitioner, appt.practitioner_id)
    who = practitioner.name if practitioner else client.name
    body = (
        f"{client.name} : RDV confirmé {when_fr(appt.starts_at, ZoneInfo(client.timezone))} "
        f"avec {who}. Pour annuler : {cancel_url(public_base_url, appt)}"
    )
    enqueue(
        session,
        channel=Channel.SMS,
        recipient=appt.patient_phone or "",
        body=body,
        kind="confirmation",
        client_id=client.id,
        appointment_id=appt.id,
    )
    appt.confirmation_sent_at = now
    return True


def reminder_due_at(appt: Appointment, client: Client) -> datetime:
    """When the reminder is due: N days before (N + 1 when booked more than a week ahead)."""
    days = max(0, min(client.reminder_days_before, MAX_REMINDER_DAYS - 1))
    if appt.starts_at - appt.created_at > FAR_AHEAD:
        days += 1
    return appt.starts_at - timedelta(days=days)


def send_due_reminders(session: Session, now: datetime, public_base_url: str) -> int:
    """Queue every reminder due at `now`; returns how many this call claimed.

    The caller commits (the sweep's job): claims and outbox rows land together, and a
    concurrent sweep waits for them, then its compare-and-set matches nothing."""
    rows = session.execute(
        select(Appointment, Client)
        .join(Client, Client.id == Appointment.client_id)
        .where(
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.reminder_sent_at.is_(None),
            Appointment.patient_phone.is_not(None),
            Appointment.starts_at > now,
            Appointment.starts_at <= now + timedelta(days=MAX_REMINDER_DAYS),
        )
        .order_by(Appointment.starts_at)
    ).all()
    sent = 0
    for appt, client in rows:
        due = reminder_due_at(appt, client)
        # Booked after the reminder was due: the confirmation was the reminder.
        if now < due or appt.created_at >= due or not _can_text(appt.patient_phone):
            continue
        claimed = session.execute(
            update(Appointment)
            .where(Appointment.id == appt.id, Appointment.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(**{FEED_UNCHANGED: True})
        )  # synchronised into the session, whose objects outlive commits (no expiry)
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        tz = ZoneInfo(client.timezone)
        enqueue(
            session,
            channel=Channel.SMS,
            recipient=appt.patient_phone or "",
            body=(
                f"{client.name} : rappel de votre RDV {when_fr(appt.starts_at, tz)}. "
                f"Pour annuler : {cancel_url(public_base_url, appt)}"
            ),
            kind="reminder",
            client_id=client.id,
            appointment_id=appt.id,
        )
        sent += 1
    return sent

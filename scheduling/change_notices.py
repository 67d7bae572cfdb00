"""The desk moves or cancels an appointment, and the patient is told by SMS.

Same rules as the booking confirmation: a mobile number only, the outbox (sent after
commit; an opted-out number is skipped by the dispatcher), GSM-7 text (`clean()`, and
words chosen inside the GSM-7 alphabet). Quiet hours: a change made late in the evening
or at night waits in the outbox until the morning, in the client's time zone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from desk.base.phone import display, is_mobile
from desk.base.words import gettext_for
from desk.models import Appointment, Client, Practitioner
from desk.models.states import AppointmentStatus, Channel
from desk.outbox.queue import enqueue
from desk.outbox.sms_text import clean
from scheduling.booking import cancel, reschedule
from scheduling.reminders import cancel_url, when_local

QUIET_FROM = time(21)
QUIET_UNTIL = time(8)


def not_before(at: datetime, tz: ZoneInfo) -> datetime:
    """`at`, or the end of the quiet hours (08:00 local) when `at` falls inside them."""
    local = at.astimezone(tz)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return at
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=tz).astimezone(at.tzinfo)


def _queue(
    session: Session, appt: Appointment, client: Client, body: str, kind: str, now: datetime
) -> bool:
    if not appt.patient_phone or not is_mobile(appt.patient_phone):
        return False
    row = enqueue(
        session,
        channel=Channel.SMS,
        recipient=appt.patient_phone or "",
        body=clean(body),
        kind=kind,
        client_id=client.id,
        appointment_id=appt.id,
        dedupe_key=f"{kind}:{appt.id}:{appt.sequence}",
    )
    row.next_attempt_at = not_before(now, ZoneInfo(client.timezone))
    return True


def moved_text(appt: Appointment, client: Client, who: str, public_base_url: str) -> str:
    """The patient's SMS for a moved appointment, in the client's language."""
    _ = gettext_for(client.locale)
    return _(
        "%(client)s: your appointment with %(who)s is moved to %(when)s. To cancel: %(link)s"
    ) % {
        "client": client.name,
        "who": who,
        "when": when_local(appt.starts_at, ZoneInfo(client.timezone), client.locale),
        "link": cancel_url(public_base_url, appt),
    }


def cancelled_text(appt: Appointment, client: Client) -> str:
    """The patient's SMS for a cancelled appointment, in the client's language."""
    _ = gettext_for(client.locale)
    when = when_local(appt.starts_at, ZoneInfo(client.timezone), client.locale)
    if client.own_line:
        return _(
            "%(client)s: your appointment of %(when)s is cancelled. To book another one, "
            "call the practice on %(number)s."
        ) % {"client": client.name, "when": when, "number": display(client.own_line)}
    return _(
        "%(client)s: your appointment of %(when)s is cancelled. To book another one, "
        "call the practice."
    ) % {"client": client.name, "when": when}


def move_by_desk(
    session: Session,
    appointment_id: int,
    *,
    starts_at: datetime,
    now: datetime,
    actor: str,
    public_base_url: str,
    client_id: int | None = None,
) -> Appointment:
    """Move the appointment and queue the patient's SMS with the new time."""
    appt = reschedule(
        session, appointment_id, starts_at=starts_at, now=now, client_id=client_id, actor=actor
    )
    client = session.get(Client, appt.client_id)
    assert client is not None
    practitioner = session.get(Practitioner, appt.practitioner_id)
    who = practitioner.name if practitioner else client.name
    _queue(session, appt, client, moved_text(appt, client, who, public_base_url), "moved", now)
    return appt


def cancel_by_desk(
    session: Session,
    appointment_id: int,
    *,
    now: datetime,
    actor: str,
    reason: str = "",
    client_id: int | None = None,
) -> Appointment:
    """Cancel the appointment and queue the patient's SMS with the practice's number.

    Cancelling twice sends nothing more; a past appointment's patient is not told."""
    before = session.get(Appointment, appointment_id)
    was_booked = before is not None and before.status == AppointmentStatus.BOOKED
    appt = cancel(session, appointment_id, now=now, client_id=client_id, actor=actor, reason=reason)
    if was_booked and appt.starts_at > now:
        client = session.get(Client, appt.client_id)
        assert client is not None
        _queue(session, appt, client, cancelled_text(appt, client), "cancelled", now)
    return appt

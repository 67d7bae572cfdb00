"""Patients cancelling: by the link in their SMS (`/c/<token>`) or by replying ANNULER.

The cancel token is 256 random bits stored with the appointment (unique): holding it is
the proof, like a signature, and unlike a signature it dies with the appointment.
Within the client's cut-off the patient must call the practice instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import NotFound
from desk.base.phone import InvalidPhoneNumber, display, normalise
from desk.base.words import DEFAULT_LOCALE, gettext_for
from desk.models import Appointment, Client, DeskNumber, Practitioner
from desk.models.states import AppointmentStatus
from scheduling.booking import cancel
from scheduling.reminders import when_local

KEYWORD = "ANNULER"


@dataclass(frozen=True)
class CancelView:
    """What the cancel page shows."""

    appointment: Appointment
    client: Client
    practitioner_name: str
    when: str
    state: str  # "open" (may cancel), "too_late", "cancelled", "past"
    call_number: str  # the practice's number, to call within the cut-off


def _state(appt: Appointment, client: Client, now: datetime) -> str:
    if appt.status == AppointmentStatus.CANCELLED:
        return "cancelled"
    if appt.starts_at <= now:
        return "past"
    if appt.starts_at - now < timedelta(minutes=client.cancel_cutoff_minutes):
        return "too_late"
    return "open"


def _view(session: Session, appt: Appointment, now: datetime) -> CancelView:
    client = session.get(Client, appt.client_id)
    assert client is not None
    practitioner = session.get(Practitioner, appt.practitioner_id)
    return CancelView(
        appointment=appt,
        client=client,
        practitioner_name=practitioner.name if practitioner else "",
        when=when_local(appt.starts_at, ZoneInfo(client.timezone), client.locale),
        state=_state(appt, client, now),
        call_number=display(client.own_line) if client.own_line else "",
    )


def view_by_token(session: Session, token: str, now: datetime) -> CancelView:
    appt = session.scalar(select(Appointment).where(Appointment.cancel_token == token))
    if appt is None or not token:
        raise NotFound("cancel_link_unknown", "token")
    return _view(session, appt, now)


def cancel_by_token(session: Session, token: str, now: datetime) -> CancelView:
    """Cancel when allowed; opening or posting twice is harmless. The caller commits."""
    view = view_by_token(session, token, now)
    if view.state == "open":
        cancel(session, view.appointment.id, now=now, actor="patient:link", reason="lien SMS")
        return _view(session, view.appointment, now)
    return view


def cancel_by_sms(
    session: Session, from_number: str, to_number: str, body: str, now: datetime
) -> str | None:
    """Handle a reply ANNULER: cancel the sender's next appointment; return the reply text.

    None when the message is not ANNULER (another handler's business). When `to_number`
    is a client's desk number, only that client's appointments are considered.
    """
    words = body.strip().split()
    if not words or words[0].upper().strip(".!") != KEYWORD:
        return None
    try:
        sender = normalise(from_number)
    except InvalidPhoneNumber:
        return None
    query = (
        select(Appointment)
        .where(
            Appointment.patient_phone == sender,
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at > now,
        )
        .order_by(Appointment.starts_at)
        .limit(1)
    )
    desk_client = session.scalar(select(DeskNumber.client_id).where(DeskNumber.number == to_number))
    if desk_client is not None:
        query = query.where(Appointment.client_id == desk_client)
    appt = session.scalar(query)
    if appt is None:
        # No appointment, so no client but the one whose number was texted, if any.
        locale = DEFAULT_LOCALE
        if desk_client is not None:
            locale = session.scalar(select(Client.locale).where(Client.id == desk_client)) or locale
        _ = gettext_for(locale)
        return _("We found no upcoming appointment to cancel for this number.")
    view = _view(session, appt, now)
    _ = gettext_for(view.client.locale)
    if view.state == "too_late":
        if view.call_number:
            return _(
                "Your appointment of %(when)s is too close to be cancelled by SMS. "
                "Please call the practice on %(number)s."
            ) % {"when": view.when, "number": view.call_number}
        return _(
            "Your appointment of %(when)s is too close to be cancelled by SMS. "
            "Please call the practice."
        ) % {"when": view.when}
    # The webhook's transaction has stored the SMS already: it holds the write lock.
    cancel(session, appt.id, now=now, actor="patient:sms", reason="SMS ANNULER", lock=False)
    return _("%(client)s: your appointment of %(when)s is cancelled.") % {
        "client": view.client.name,
        "when": view.when,
    }

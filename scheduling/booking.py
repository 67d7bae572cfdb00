"""Book, reschedule and cancel appointments, never twice in one slot.

PostgreSQL enforces "no overlap" itself (the exclusion constraint of migration 0003):
the loser of a race gets an exclusion violation at flush. SQLite has no such constraint;
there the check and the write run in one `BEGIN IMMEDIATE` transaction, which holds the
database's write lock, so a second booking waits and then sees the first.

These functions flush but do not commit: the caller commits (and must, promptly, on
SQLite, where the write lock is held until then).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desk.base.db import begin_immediate
from desk.base.errors import Conflict, DomainError, NotFound
from desk.base.phone import normalise
from desk.models import Appointment, AuditEvent
from desk.models.states import AppointmentStatus
from scheduling.availability import (
    Calendar,
    Scope,
    Slot,
    earliest_start,
    load_scope,
    next_free_slots,
)

SLOT_TAKEN = "slot_taken"


class StaleAppointment(Conflict):
    """The caller's version is not the current one: someone changed it meanwhile.

    Carries the appointment as it is now, so the caller can show it and try again.
    """

    def __init__(self, current: Appointment) -> None:
        super().__init__("appointment_changed", "version", version=current.version)
        self.current = current


# PostgreSQL's answers to two writers colliding: a deadlock, a lock wait past
# lock_timeout, a serialization failure. For a booking they all mean "someone else got
# there first".
LOST_RACE_SQLSTATES = frozenset({"40P01", "55P03", "40001"})


def lost_race(exc: DBAPIError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in LOST_RACE_SQLSTATES


class SlotTaken(Conflict):
    """A lost race or an occupied slot; carries the next free slots to offer instead."""

    def __init__(self, next_slots: list[Slot]) -> None:
        super().__init__(SLOT_TAKEN, "starts_at")
        self.next_slots = next_slots


def _audit(session: Session, actor: str, action: str, appt: Appointment, **detail: Any) -> None:
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            object_type="appointment",
            object_id=appt.id,
            detail={"starts_at": appt.starts_at.isoformat(), **detail},
        )
    )


def _clean_name(name: str) -> str:
    # Control characters (a newline in a name) have no place in a name; the feed escapes
    # them anyway, but the desk and SMS would show them too.
    cleaned = " ".join("".join(c if c.isprintable() else " " for c in name).split())
    if not cleaned:
        raise DomainError("patient_name_required", "patient_name")
    if len(cleaned) > 200:
        raise DomainError("patient_name_too_long", "patient_name", max=200)
    return cleaned


def _clean_phone(phone: str | None) -> str | None:
    if phone is None or not phone.strip():
        return None
    try:
        return normalise(phone)
    except ValueError as exc:
        raise DomainError("patient_phone_invalid", "patient_phone") from exc


def _check_free(
    session: Session,
    scope: Scope,
    starts_at: datetime,
    now: datetime,
    exclude_id: int | None = None,
) -> None:
    if starts_at.tzinfo is None:
        raise DomainError("datetime_without_zone", "starts_at")
    window_end = starts_at + scope.blocked + timedelta(minutes=1)
    calendar = Calendar(
        session, scope, starts_at - timedelta(days=1), window_end, exclude_appointment_id=exclude_id
    )
    if calendar.fits(starts_at, earliest_start(scope.client, now)):
        return
    if starts_at < earliest_start(scope.client, now):
        raise DomainError("slot_too_soon", "starts_at")
    if calendar.is_busy(starts_at, starts_at + scope.blocked):
        raise SlotTaken(next_free_slots(session, scope, starts_at, now))
    raise DomainError("slot_outside_opening", "starts_at")


@contextmanager
def _guarded(session: Session, scope: Scope, starts_at: datetime, now: datetime) -> Iterator[None]:
    """The changes made in the block, flushed in a savepoint; an exclusion violation
    (PostgreSQL, a lost race) becomes SlotTaken.

    PostgreSQL aborts the transaction on the violation; rolling back only the savepoint
    keeps the caller's unit of work usable (the next free slots are read in it) and the
    caller's to commit or roll back.
    """
    try:
        with session.begin_nested():  # flushes what came before, outside the savepoint
            yield
    except IntegrityError as exc:
        if "ex_appointments_no_overlap" not in str(exc.orig):
            raise
        raise SlotTaken(next_free_slots(session, scope, starts_at, now)) from None
    except DBAPIError as exc:
        if not lost_race(exc):
            raise
        # The savepoint is rolled back already: the caller's unit of work goes on.
        raise SlotTaken(next_free_slots(session, scope, starts_at, now)) from None


def book(
    session: Session,
    *,
    client_id: int,
    practitioner_id: int,
    type_id: int,
    starts_at: datetime,
    patient_name: str,
    patient_phone: str | None = None,
    notes: str = "",
    now: datetime,
    actor: str = "system",
    source: str = "desk",
    booked_by_id: int | None = None,
    call_id: int | None = None,
    public_base_url: str | None = None,
) -> Appointment:
    """Book a free slot. Raises DomainError (bad input), NotFound, or SlotTaken.

    With `public_base_url`, queue the patient's confirmation SMS (with its cancel link).
    """
    name = _clean_name(patient_name)
    phone = _clean_phone(patient_phone)
    begin_immediate(session)
    scope = load_scope(session, client_id, practitioner_id, type_id)
    _check_free(session, scope, starts_at, now)
    appt = Appointment(
        uid=f"{uuid.uuid4()}@permanence",
        client_id=client_id,
        practitioner_id=practitioner_id,
        type_id=type_id,
        starts_at=starts_at,
        ends_at=starts_at + scope.duration,
        blocked_until=starts_at + scope.blocked,
        patient_name=name,
        patient_phone=phone,
        notes=notes.strip(),
        status=AppointmentStatus.BOOKED,
        source=source,
        booked_by_id=booked_by_id,
        call_id=call_id,
        sequence=0,
        created_at=now,
        updated_at=now,
        cancel_token=secrets.token_urlsafe(32),
    )
    with _guarded(session, scope, starts_at, now):
        session.add(appt)
    _audit(session, actor, "appointment.booked", appt, type=scope.type.name)
    if public_base_url and phone:
        from scheduling.reminders import queue_confirmation

        queue_confirmation(session, appt, scope.client, public_base_url, now)
    session.flush()
    return appt


def get_appointment(
    session: Session, appointment_id: int, client_id: int | None, *, for_update: bool = False
) -> Appointment:
    """The appointment, fresh and row-locked (PostgreSQL) with `for_update`."""
    if for_update:
        # Forget what this session read before: another writer may have changed it.
        known = session.identity_map.get(session.identity_key(Appointment, appointment_id))
        if known is not None:
            session.expire(known)
    appt = session.get(Appointment, appointment_id, with_for_update=for_update)
    if appt is None or (client_id is not None and appt.client_id != client_id):
        raise NotFound("appointment_not_found", "id")
    return appt


def reschedule(
    session: Session,
    appointment_id: int,
    *,
    starts_at: datetime,
    now: datetime,
    client_id: int | None = None,
    actor: str = "system",
    expected_version: int | None = None,
) -> Appointment:
    """Move a booked appointment: same UID, SEQUENCE + 1, a new reminder.

    With `expected_version` (what the caller last saw), a change made meanwhile by
    someone else raises StaleAppointment instead of being overwritten. Racing moves are
    serialised (row lock, or SQLite's write lock): each sees the one before.
    """
    begin_immediate(session)
    appt = get_appointment(session, appointment_id, client_id, for_update=True)
    if expected_version is not None and appt.version != expected_version:
        raise StaleAppointment(appt)
    if appt.status == AppointmentStatus.CANCELLED:
        raise Conflict("appointment_cancelled", "id")
    if appt.starts_at == starts_at:
        return appt  # no change: no new SEQUENCE, no audit row
    scope = load_scope(session, appt.client_id, appt.practitioner_id, appt.type_id)
    _check_free(session, scope, starts_at, now, exclude_id=appt.id)
    previous = appt.starts_at
    try:
        with _guarded(session, scope, starts_at, now):
            appt.starts_at = starts_at
            appt.ends_at = starts_at + scope.duration
            appt.blocked_until = starts_at + scope.blocked
            appt.sequence += 1
            appt.updated_at = now
            appt.reminder_sent_at = None
    except StaleDataError:
        session.expire_all()
        raise StaleAppointment(get_appointment(session, appointment_id, client_id)) from None
    _audit(session, actor, "appointment.rescheduled", appt, previous=previous.isoformat())
    session.flush()
    return appt


def cancel(
    session: Session,
    appointment_id: int,
    *,
    now: datetime,
    client_id: int | None = None,
    actor: str = "system",
    reason: str = "",
    lock: bool = True,
) -> Appointment:
    """Cancel (the row stays, status cancelled). Cancelling twice changes nothing.

    Racing cancels (a link opened 20 times at once) are serialised by the row lock (or
    SQLite's write lock): one cancels and writes the audit row, the others see it done.
    `lock=False` when the caller's transaction has written already (it holds SQLite's
    write lock; taking it anew would commit the caller's work half-way).
    """
    if lock:
        begin_immediate(session)
    appt = get_appointment(session, appointment_id, client_id, for_update=True)
    if appt.status == AppointmentStatus.CANCELLED:
        return appt
    try:
        # In a savepoint: a lost race rolls back this cancel alone (its changes expired,
        # so the row is read again below), never the caller's unit of work.
        with session.begin_nested():
            appt.status = AppointmentStatus.CANCELLED
            appt.cancelled_at = now
            appt.sequence += 1
            appt.updated_at = now
            _audit(session, actor, "appointment.cancelled", appt, reason=reason)
    except StaleDataError:
        current = get_appointment(session, appointment_id, client_id, for_update=True)
        if current.status == AppointmentStatus.CANCELLED:
            return current
        raise StaleAppointment(current) from None
    return appt

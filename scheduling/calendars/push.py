"""Pending events into the practices' calendars, after the commit.

`Pusher` sends the events `scheduling/calendars/queue.py` marked pending, with the
outbox's mechanism: claim one row by compare-and-set (`SELECT … FOR UPDATE SKIP LOCKED`
on PostgreSQL, a conditional UPDATE under SQLite's write lock), talk to the server with
no transaction open, record the outcome; transient failures come back with backoff, a
claim whose pusher died expires. The event's href is derived from its UID, and a first
PUT says `If-None-Match: *`: a PUT that reached the server but whose outcome was lost (a
crash, a timeout) finds its event there on the next try and updates it instead of
adding a second one.

Updates send `If-Match` with the ETag we were given; a 412 means the practice edited
the event in its calendar: neither side is overwritten, the server's copy is kept and
the appointment is flagged (`conflict`) for a secretary (scheduling/calendars/conflicts.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import icalendar
from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desk.base.clock import system_now
from desk.base.config import Settings
from desk.base.db import Database, begin_immediate
from desk.base.errors import DomainError
from desk.models import Appointment, CalendarConnection, CalendarEvent
from desk.models.calendars import ConnectionState, PushState
from desk.models.states import AppointmentStatus
from desk.outbox.dispatch import backoff, default_node
from scheduling.calendars.dav import Answer, CalendarError, Dav, trusted_networks
from scheduling.calendars.events import calendar_object
from scheduling.calendars.queue import WAKE
from scheduling.calendars.sealing import unseal

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # backoff 30 s doubling to an hour: about 8 hours of a server away
CLAIM_TIMEOUT = timedelta(minutes=5)


@dataclass(frozen=True)
class Claim:
    id: int
    attempts: int
    href: str | None
    etag: str | None


@dataclass
class PushResult:
    pushed: int = 0
    deleted: int = 0
    retried: int = 0
    conflicts: int = 0
    failed: int = 0
    ids: list[int] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.pushed + self.deleted + self.retried + self.conflicts + self.failed


@dataclass
class Outcome:
    state: str
    href: str | None = None
    etag: str | None = None
    sequence: int | None = None
    deleted: bool = False
    error: str | None = None
    server_copy: str | None = None
    permanent: bool = False


class Pusher:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        node: str | None = None,
        clock: Callable[[], datetime] = system_now,
    ) -> None:
        self.db = db
        self.settings = settings
        self.node = (node or default_node())[:64]
        self.clock = clock
        self.trusted = trusted_networks(settings["calendars.trusted_networks"])

    def run(
        self, limit: int = 200, stop: threading.Event | None = None, connection_ids: Any = None
    ) -> PushResult:
        result = PushResult()
        while result.handled < limit and not (stop is not None and stop.is_set()):
            claim = self.claim_one(connection_ids)
            if claim is None:
                break
            result.ids.append(claim.id)
            self.push(claim, result)
        return result

    def _due(self, now: datetime) -> ColumnElement[bool]:
        stale = now - CLAIM_TIMEOUT
        return and_(
            CalendarEvent.connection_id.in_(
                select(CalendarConnection.id).where(
                    CalendarConnection.state != ConnectionState.DISCONNECTED
                )
            ),
            or_(
                and_(
                    CalendarEvent.state == PushState.PENDING,
                    CalendarEvent.next_attempt_at <= now,
                    or_(CalendarEvent.claimed_by.is_(None), CalendarEvent.claimed_at < stale),
                ),
                and_(CalendarEvent.state == PushState.PUSHING, CalendarEvent.claimed_at < stale),
            ),
        )

    def claim_one(self, connection_ids: Any = None) -> Claim | None:
        with self.db.session() as session:
            now = self.clock()
            due = self._due(now)
            if connection_ids is not None:
                due = and_(due, CalendarEvent.connection_id.in_(connection_ids))
            order = (CalendarEvent.next_attempt_at, CalendarEvent.id)
            values = {
                "state": PushState.PUSHING,
                "claimed_by": self.node,
                "claimed_at": now,
                "attempts": CalendarEvent.attempts + 1,
            }
            if self.db.dialect == "postgresql":
                row_id = session.scalar(
                    select(CalendarEvent.id)
                    .where(due)
                    .order_by(*order)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
                if row_id is None:
                    return None
                session.execute(
                    update(CalendarEvent).where(CalendarEvent.id == row_id).values(values)
                )
                return self._claim_of(session, row_id)
            begin_immediate(session)
            for row_id in session.scalars(
                select(CalendarEvent.id).where(due).order_by(*order).limit(5)
            ):
                taken = session.execute(
                    update(CalendarEvent)
                    .where(CalendarEvent.id == row_id, due)
                    .values(values)
                    .execution_options(synchronize_session=False)
                )
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    return self._claim_of(session, row_id)
            return None

    @staticmethod
    def _claim_of(session: Session, row_id: int) -> Claim:
        row = session.get(CalendarEvent, row_id, populate_existing=True)
        assert row is not None
        return Claim(row.id, row.attempts, row.href, row.etag)

    def push(self, claim: Claim, result: PushResult) -> None:
        """Bring one event on its server to the appointment's current state."""
        with self.db.session() as session:
            row = session.get(CalendarEvent, claim.id)
            assert row is not None
            connection = session.get(CalendarConnection, row.connection_id)
            appt = session.get(Appointment, row.appointment_id)
            assert connection is not None and appt is not None
            cancelled = appt.status == AppointmentStatus.CANCELLED
            body = calendar_object(session, appt).decode()
            sequence = appt.sequence
            href = claim.href or _href(connection.url, appt.uid)
            url, username, sealed = (
                connection.url,
                connection.username,
                connection.password_encrypted,
            )
        try:
            password = unseal(self.settings, sealed)
            with Dav(url, username, password, trusted=self.trusted) as dav:
                if cancelled:
                    outcome = _delete(dav, href, claim.etag, sequence)
                else:
                    outcome = _put(dav, href, claim.etag, body, appt.uid, sequence)
        except CalendarError as exc:
            outcome = Outcome(PushState.PENDING, error=exc.code, permanent=exc.permanent)
        except DomainError as exc:
            outcome = Outcome(PushState.FAILED, error=exc.code, permanent=True)
        except Exception as exc:  # a bug or a library's surprise: retry, loudly
            log.exception("calendar event %s: unexpected error while pushing", claim.id)
            outcome = Outcome(PushState.PENDING, error=type(exc).__name__)
        self._record(claim, outcome, result)

    def _record(self, claim: Claim, outcome: Outcome, result: PushResult) -> None:
        now = self.clock()
        state = outcome.state
        values: dict[str, Any] = {"claimed_by": None, "last_error": outcome.error}
        if state == PushState.PENDING:
            if (outcome.permanent and claim.attempts >= 3) or claim.attempts >= MAX_ATTEMPTS:
                state = PushState.FAILED
                result.failed += 1
            else:
                values["next_attempt_at"] = now + backoff(claim.attempts)
                result.retried += 1
        elif state == PushState.CONFLICT:
            values["conflict_at"] = now
            values["server_copy"] = outcome.server_copy
            result.conflicts += 1
        elif state == PushState.SYNCED:
            values.update(
                href=outcome.href,
                etag=outcome.etag,
                pushed_sequence=outcome.sequence,
                deleted=outcome.deleted,
                pushed_at=now,
            )
            if outcome.deleted:
                result.deleted += 1
            else:
                result.pushed += 1
        else:
            result.failed += 1
        # A change made while we pushed set the row back to pending: leave it so, the
        # next round pushes it (what we learnt, href and ETag, is kept all the same).
        values["state"] = case(
            (CalendarEvent.state == PushState.PUSHING, state), else_=CalendarEvent.state
        )
        with self.db.session() as session:
            done = session.execute(
                update(CalendarEvent)
                .where(CalendarEvent.id == claim.id, CalendarEvent.claimed_by == self.node)
                .values(values)
            )
            if done.rowcount == 1:  # type: ignore[attr-defined]
                connection_id = session.scalar(
                    select(CalendarEvent.connection_id).where(CalendarEvent.id == claim.id)
                )
                ok = state in (PushState.SYNCED, PushState.CONFLICT)
                session.execute(
                    update(CalendarConnection)
                    .where(
                        CalendarConnection.id == connection_id,
                        CalendarConnection.state != ConnectionState.DISCONNECTED,
                    )
                    .values(
                        last_push_at=now if ok else CalendarConnection.last_push_at,
                        state=ConnectionState.ACTIVE if ok else ConnectionState.FAILING,
                        last_error=None if ok else outcome.error,
                        last_error_at=CalendarConnection.last_error_at if ok else now,
                    )
                )
        if outcome.error:
            log.warning("calendar event %s: %s (try %d)", claim.id, outcome.error, claim.attempts)


def _href(calendar_url: str, uid: str) -> str:
    return calendar_url.rstrip("/") + "/" + quote(uid.replace("@", "-"), safe="") + ".ics"


def _uid_of(text: str) -> str | None:
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError:
        return None
    for component in calendar.walk("VEVENT"):
        return str(component.get("UID", ""))
    return None


def _stored_etag(dav: Dav, href: str, answer: Answer) -> str | None:
    # Some servers change what they store and send no ETag then (RFC 4791 5.3.4): ask.
    return answer.etag or dav.etag_of(href)


def _failed(answer: Answer) -> Outcome:
    transient = answer.status >= 500 or answer.status in (408, 423, 429)
    return Outcome(
        PushState.PENDING,
        error=f"HTTP {answer.status}",
        permanent=not transient,
    )


def _put(dav: Dav, href: str, etag: str | None, body: str, uid: str, sequence: int) -> Outcome:
    answer = dav.put(href, body, etag=etag)
    if answer.status == 412 and etag is None:
        # Created already: our earlier PUT arrived but its answer was lost. Ours (same
        # UID): update it under its ETag. Anything else there: a conflict.
        current = dav.get(href)
        if current.status == 200 and _uid_of(current.body) == uid:
            etag = current.etag or dav.etag_of(href)
            answer = dav.put(href, body, etag=etag)
    if answer.status in (200, 201, 204):
        return Outcome(PushState.SYNCED, href, _stored_etag(dav, href, answer), sequence)
    if answer.status == 412:
        current = dav.get(href)
        return Outcome(
            PushState.CONFLICT,
            href,
            etag,
            error="calendar_conflict",
            server_copy=current.body if current.status == 200 else None,
        )
    if answer.status == 404 and etag is not None:
        # Deleted in the calendar: the appointment stands; a secretary decides.
        return Outcome(PushState.CONFLICT, href, etag, error="calendar_conflict")
    return _failed(answer)


def _delete(dav: Dav, href: str, etag: str | None, sequence: int) -> Outcome:
    answer = dav.delete(href, etag=etag)
    if answer.status in (200, 204, 404):
        return Outcome(PushState.SYNCED, href, None, sequence, deleted=True)
    if answer.status == 412:
        current = dav.get(href)
        return Outcome(
            PushState.CONFLICT,
            href,
            etag,
            error="calendar_conflict",
            server_copy=current.body if current.status == 200 else None,
        )
    return _failed(answer)


class BackgroundPusher:
    """`desk run`: a thread that pushes when kicked (after a booking's commit) and on a
    period, so on one machine an event reaches the calendar within a second."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.waker = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="desk-calendars", daemon=True)

    def start(self) -> BackgroundPusher:
        WAKE.register(self.waker)
        self._thread.start()
        return self

    def _loop(self) -> None:
        pusher = Pusher(self.db, self.settings)
        while not self._stop.is_set():
            self.waker.wait(self.settings["scheduler.outbox_seconds"])
            self.waker.clear()
            try:
                pusher.run(stop=self._stop)
            except Exception:  # the database is away: try again at the next tick
                log.exception("calendar push failed")

    def stop(self, timeout: float = 30) -> None:
        WAKE.unregister(self.waker)
        self._stop.set()
        self.waker.set()
        self._thread.join(timeout)

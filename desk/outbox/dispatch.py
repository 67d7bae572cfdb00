"""The outbox dispatcher: claim one row, send it, record the outcome; repeat.

Claiming is one short transaction per row: `SELECT … FOR UPDATE SKIP LOCKED` on
PostgreSQL (dispatchers on several machines skip each other's rows), a compare-and-set
(`UPDATE … WHERE id = ? AND state = 'pending'`) under SQLite's write lock. The slow I/O
(Twilio, SMTP) happens after that commit, so no lock is held while a provider answers.
A row claimed by a dispatcher that died stays "sending" until the claim is older than
`scheduler.outbox_claim_timeout_seconds`, then any dispatcher takes it again.

Exactly once: a row is sent by the dispatcher that holds its claim and only recorded by
it. The one window left is a crash after the provider accepted an SMS and before the
outcome is committed; that row is sent again after the claim timeout (at least once
beats never for a message a patient left).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desk.base.clock import system_now
from desk.base.config import Settings
from desk.base.db import Database, begin_immediate
from desk.models import OptOut, Outbox, OutboxAttachment
from desk.models.states import Channel, OutboxState
from desk.outbox.channels import (
    Attachment,
    ChannelError,
    EmailSender,
    SmsSender,
    email_sender,
    sms_sender,
)
from desk.outbox.queue import WAKE

log = logging.getLogger(__name__)
# How long a sender keeps trying to record a send while the database restarts.
SENT_RETRY_SECONDS = 30.0

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
# Twilio's "the recipient replied STOP": remember it, so later sends are skipped.
TWILIO_UNSUBSCRIBED = 21610


def backoff(attempts: int, base: int = BACKOFF_BASE_SECONDS) -> timedelta:
    """Delay before try number `attempts + 1`: 30 s, 1 min, 2 min, … capped at an hour."""
    return timedelta(seconds=min(BACKOFF_MAX_SECONDS, base * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class Claim:
    id: int
    channel: str
    recipient: str
    subject: str
    body: str
    html_body: str | None
    attempts: int


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    ids: list[int] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped


def default_node() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class Dispatcher:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        node: str | None = None,
        sms: SmsSender | None = None,
        email: EmailSender | None = None,
        clock: Callable[[], datetime] = system_now,
    ) -> None:
        self.db = db
        self.settings = settings
        self.node = (node or default_node())[:64]
        self.sms = sms if sms is not None else sms_sender(settings)
        self.email = email if email is not None else email_sender(settings)
        self.clock = clock
        self.max_attempts: int = settings["scheduler.outbox_max_attempts"]
        self.claim_timeout = timedelta(seconds=settings["scheduler.outbox_claim_timeout_seconds"])
        self.status_callback = f"{settings['server.public_base_url']}/webhooks/sms/status?outbox="

    def run(self, limit: int = 200, stop: threading.Event | None = None) -> DispatchResult:
        """Send what is due, one row at a time, until nothing is due, `limit`, or `stop`."""
        result = DispatchResult()
        while result.handled < limit and not (stop is not None and stop.is_set()):
            claim = self.claim_one()
            if claim is None:
                break
            self.deliver(claim, result)
        return result

    def _claimable(self, now: datetime) -> ColumnElement[bool]:
        return or_(
            and_(Outbox.state == OutboxState.PENDING, Outbox.next_attempt_at <= now),
            and_(Outbox.state == OutboxState.SENDING, Outbox.claimed_at < now - self.claim_timeout),
        )

    def claim_one(self) -> Claim | None:
        """Take one due row for this dispatcher (attempts + 1), or None when none is due."""
        with self.db.session() as session:
            now = self.clock()
            due = self._claimable(now)
            order = (Outbox.next_attempt_at, Outbox.id)
            if self.db.dialect == "postgresql":
                row = session.scalars(
                    select(Outbox)
                    .where(due)
                    .order_by(*order)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                ).first()
                if row is None:
                    return None
                row.state, row.claimed_by, row.claimed_at = OutboxState.SENDING, self.node, now
                row.attempts += 1
                return _claim_of(row)
            begin_immediate(session)
            for row_id in session.scalars(select(Outbox.id).where(due).order_by(*order).limit(5)):
                # Compare-and-set: only one dispatcher's UPDATE matches the due state.
                taken = session.execute(
                    update(Outbox)
                    .where(Outbox.id == row_id, due)
                    .values(
                        state=OutboxState.SENDING,
                        claimed_by=self.node,
                        claimed_at=now,
                        attempts=Outbox.attempts + 1,
                    )
                    .execution_options(synchronize_session=False)
                )
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    row = session.get(Outbox, row_id, populate_existing=True)
                    assert row is not None
                    return _claim_of(row)
            return None

    def deliver(self, claim: Claim, result: DispatchResult) -> None:
        """Send one claimed row and record what happened."""
        result.ids.append(claim.id)
        try:
            opted_out = claim.channel == Channel.SMS and self._opted_out(claim.recipient)
        except (OperationalError, InterfaceError):
            self._release(claim)
            raise
        if opted_out:
            self._finish(claim, state=OutboxState.SKIPPED, last_error="opted out (STOP)")
            result.skipped += 1
            return
        try:
            provider_id = self._send(claim)
        except ChannelError as exc:
            self._failed(claim, exc, result)
            return
        except Exception as exc:  # a bug or an unexpected library error: retry, loudly
            log.exception("outbox %s: unexpected error while sending", claim.id)
            self._failed(claim, ChannelError(f"{type(exc).__name__}: {exc}"), result)
            return
        self._sent(claim, provider_id)
        result.sent += 1

    def _send(self, claim: Claim) -> str:
        if claim.channel == Channel.SMS:
            return self.sms.send(
                claim.recipient, claim.body, status_callback=f"{self.status_callback}{claim.id}"
            )
        return self.email.send(
            claim.recipient, claim.subject, claim.body, claim.html_body, self._attachments(claim)
        )

    def _attachments(self, claim: Claim) -> list[Attachment]:
        """The files of an e-mail (an invoice PDF), read when it is sent, not when claimed."""
        with self.db.session() as session:
            rows = session.execute(
                select(
                    OutboxAttachment.filename, OutboxAttachment.content_type, OutboxAttachment.data
                )
                .where(OutboxAttachment.outbox_id == claim.id)
                .order_by(OutboxAttachment.id)
            ).all()
        return [Attachment(name, kind, data) for name, kind, data in rows]

    def _opted_out(self, number: str) -> bool:
        with self.db.session() as session:
            return is_opted_out(session, number)

    def _sent(self, claim: Claim, provider_id: str) -> None:
        """Record the send, retrying while the database is briefly away (a restart).

        The message is gone already: if this write were lost, the claim would expire
        and the row be sent a second time.
        """
        delay = 0.5
        deadline = time.monotonic() + SENT_RETRY_SECONDS
        while True:
            try:
                self._mark_sent(claim, provider_id)
                return
            except (OperationalError, InterfaceError):
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("outbox %s: sent, recording it failed; retrying", claim.id)
                time.sleep(delay)
                delay = min(delay * 2, 4.0)

    def _mark_sent(self, claim: Claim, provider_id: str) -> None:
        now = self.clock()
        with self.db.session() as session:
            done = session.execute(
                update(Outbox)
                .where(Outbox.id == claim.id, Outbox.state == OutboxState.SENDING)
                .where(Outbox.claimed_by == self.node)
                .values(
                    state=OutboxState.SENT,
                    provider_id=provider_id[:64],
                    sent_at=now,
                    last_error=None,
                    claimed_by=None,
                )
            )
            if done.rowcount == 0:  # type: ignore[attr-defined]
                # A status callback got there first (the row is already delivered):
                # keep its state, just fill in what only we know.
                session.execute(
                    update(Outbox)
                    .where(Outbox.id == claim.id, Outbox.provider_id.is_(None))
                    .values(provider_id=provider_id[:64], sent_at=now)
                )

    def _failed(self, claim: Claim, error: ChannelError, result: DispatchResult) -> None:
        give_up = error.permanent or claim.attempts >= self.max_attempts
        log.warning(
            "outbox %s to %s: %s (%s, try %d)",
            claim.id,
            claim.channel,
            error.message,
            "permanent" if error.permanent else "transient",
            claim.attempts,
        )
        if give_up:
            self._finish(
                claim, state=OutboxState.FAILED, last_error=error.message, permanent=error.permanent
            )
            if error.code == TWILIO_UNSUBSCRIBED:
                with self.db.session() as session:
                    remember_opt_out(session, claim.recipient, "TWILIO-21610", self.clock())
            result.failed += 1
            return
        self._finish(
            claim,
            state=OutboxState.PENDING,
            last_error=error.message,
            next_attempt_at=self.clock() + backoff(claim.attempts),
        )
        result.retried += 1

    def _release(self, claim: Claim) -> None:
        """Nothing was sent (the database went away first): give the row back at once
        rather than after the claim timeout. Best effort: if the database is still away,
        the claim expires as usual."""
        try:
            self._finish(
                claim, state=OutboxState.PENDING, last_error=None, next_attempt_at=self.clock()
            )
        except (OperationalError, InterfaceError):
            log.warning("outbox %s: claim not released (database away); it will expire", claim.id)

    def _finish(
        self,
        claim: Claim,
        *,
        state: str,
        last_error: str | None,
        permanent: bool = False,
        next_attempt_at: datetime | None = None,
    ) -> None:
        values: dict[str, object] = {
            "state": state,
            "last_error": last_error,
            "permanent_error": permanent,
            "claimed_by": None,
        }
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        with self.db.session() as session:
            session.execute(
                update(Outbox)
                .where(Outbox.id == claim.id, Outbox.claimed_by == self.node)
                .where(Outbox.state == OutboxState.SENDING)
                .values(**values)
            )


def _claim_of(row: Outbox) -> Claim:
    return Claim(
        row.id, row.channel, row.recipient, row.subject, row.body, row.html_body, row.attempts
    )


def is_opted_out(session: Session, number: str) -> bool:
    return session.scalar(select(OptOut.id).where(OptOut.number == number)) is not None


def remember_opt_out(session: Session, number: str, keyword: str, now: datetime) -> bool:
    """Record that `number` wants nothing more; True when it is new."""
    if is_opted_out(session, number):
        return False
    session.add(OptOut(number=number, keyword=keyword[:32], created_at=now))
    session.flush()
    return True


class BackgroundDispatcher:
    """`desk run`: a thread that dispatches when kicked (after a commit) and every period."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.waker = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="desk-outbox", daemon=True)

    def start(self) -> BackgroundDispatcher:
        WAKE.register(self.waker)
        self._thread.start()
        return self

    def _loop(self) -> None:
        dispatcher = Dispatcher(self.db, self.settings)
        while not self._stop.is_set():
            self.waker.wait(self.settings["scheduler.outbox_seconds"])
            self.waker.clear()
            try:
                dispatcher.run(stop=self._stop)
            except Exception:  # the database is away: try again at the next tick
                log.exception("outbox dispatch failed")

    def stop(self, timeout: float = 30) -> None:
        WAKE.unregister(self.waker)
        self._stop.set()
        self.waker.set()
        self._thread.join(timeout)


def start_background_dispatcher(db: Database, settings: Settings) -> BackgroundDispatcher:
    return BackgroundDispatcher(db, settings).start()

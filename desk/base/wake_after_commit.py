"""Threads woken once a transaction that gave them work commits.

The outbox and the calendar push each keep an in-process worker (`desk run`) that
sleeps until work arrives: the domain marks the session (`mark`) when it queues a row,
and the worker's event is set after that session commits — never after a rollback,
whose rows are gone. Across processes the scheduler's sweep finds the rows anyway.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


class WakeAfterCommit:
    def __init__(self, name: str) -> None:
        self._flag = f"desk.wake.{name}"
        self._lock = threading.Lock()
        self._wakers: list[threading.Event] = []
        event.listen(Session, "after_commit", self._after_commit)
        event.listen(Session, "after_soft_rollback", self._after_rollback)

    def mark(self, session: Session) -> None:
        """Work was queued in this session's transaction: wake the workers at its commit."""
        session.info[self._flag] = True

    def register(self, waker: threading.Event) -> None:
        with self._lock:
            self._wakers.append(waker)

    def unregister(self, waker: threading.Event) -> None:
        with self._lock:
            if waker in self._wakers:
                self._wakers.remove(waker)

    def kick(self) -> None:
        """Wake the registered workers now. Safe anywhere, any time."""
        with self._lock:
            for waker in self._wakers:
                waker.set()

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(self._flag, False):
            self.kick()

    def _after_rollback(self, session: Session, previous_transaction: Any) -> None:
        if previous_transaction.parent is None:  # the outer transaction, not a savepoint
            session.info.pop(self._flag, None)

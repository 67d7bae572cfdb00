"""The timed-job process: APScheduler 3, its SQLAlchemy job store, and leader election.

Several scheduler processes may run for failover; only the one holding the leader lock
(a PostgreSQL advisory lock, a file lock on SQLite) runs jobs. Jobs sweep the database
and claim work by compare-and-set, so even a brief overlap of two leaders sends nothing
twice (DESIGN §6).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.engine import Connection

from desk.config import Settings, instance_dir
from desk.db import Database

log = logging.getLogger(__name__)

# An arbitrary constant naming Permanence's scheduler lock among advisory locks.
ADVISORY_LOCK_KEY = 0x5045524D  # "PERM"


@dataclass
class Runtime:
    settings: Settings
    db: Database
    node: str


_runtime: Runtime | None = None


def runtime() -> Runtime:
    """What a job needs: jobs are stored by reference and take no arguments."""
    if _runtime is None:
        raise RuntimeError("the scheduler runtime is not started")
    return _runtime


class LeaderLock:
    """Held by one scheduler process at a time; `acquire()` does not block."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.db = db
        self._connection: Connection | None = None
        self._file: FileLock | None = None
        if db.dialect != "postgresql":
            path = settings["scheduler.lock_path"] or str(instance_dir(settings) / "scheduler.lock")
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._file = FileLock(path)

    def acquire(self) -> bool:
        if self._file is not None:
            try:
                self._file.acquire(timeout=0)
            except Timeout:
                return False
            return True
        if self._connection is None:
            self._connection = self.db.engine.connect()
        got = self._connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
        ).scalar()
        self._connection.commit()
        return bool(got)

    def release(self) -> None:
        if self._file is not None:
            if self._file.is_locked:
                self._file.release()
            return
        if self._connection is not None:
            try:
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None


class DeskScheduler:
    """Waits for leadership, then runs every job of `scheduling.jobs.JOBS`."""

    def __init__(self, settings: Settings, db: Database, poll_seconds: float = 5.0) -> None:
        global _runtime
        self.settings = settings
        self.db = db
        self.node = f"{socket.gethostname()}:{os.getpid()}"
        _runtime = Runtime(settings, db, self.node)
        self.lock = LeaderLock(settings, db)
        self.poll_seconds = poll_seconds
        self.scheduler: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="desk-scheduler", daemon=True)

    @property
    def is_leader(self) -> bool:
        return self.scheduler is not None

    def start(self) -> DeskScheduler:
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self.scheduler is None and self.lock.acquire():
                log.info("scheduler %s is the leader; starting jobs", self.node)
                self.scheduler = self._start_jobs()
            self._stop.wait(self.poll_seconds)

    def _start_jobs(self) -> BackgroundScheduler:
        from scheduling.jobs import JOBS

        scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.db.engine)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            timezone="UTC",
        )
        for job in JOBS:
            scheduler.add_job(
                job.ref,
                "interval",
                seconds=job.seconds(self.settings),
                id=job.id,
                name=job.id,
                replace_existing=True,
            )
        scheduler.start()
        return scheduler

    def shutdown(self) -> None:
        self._stop.set()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None
        self.lock.release()


def start_scheduler(settings: Settings, db: Database) -> DeskScheduler:
    return DeskScheduler(settings, db).start()


def run_scheduler_forever(settings: Settings, db: Database) -> None:
    scheduler = start_scheduler(settings, db)
    stop = threading.Event()
    try:
        import signal

        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        while not stop.wait(3600):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown()


def job_kwargs(**kwargs: Any) -> dict[str, Any]:  # pragma: no cover - helper for job modules
    return kwargs

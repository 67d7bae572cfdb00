"""The timed-job process: APScheduler 3, its SQLAlchemy job store, and leader election.

Several scheduler processes may run for failover; only the one holding the leader lock
(a PostgreSQL advisory lock, a file lock on SQLite) runs jobs. Jobs sweep the database
and claim work by compare-and-set, so even a brief overlap of two leaders sends nothing
twice (DESIGN §6).
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.util import ref_to_obj
from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.engine import Connection

from desk.base.clock import system_now
from desk.base.config import Settings, instance_dir
from desk.base.db import Database
from desk.jobs import JOBS, Job, JobContext
from desk.jobs.store import LastingJobStore

log = logging.getLogger(__name__)
# APScheduler logs every run of every job at INFO (the outbox every 15 s): keep errors only.
logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)

# An arbitrary constant naming Permanence's scheduler lock among advisory locks.
ADVISORY_LOCK_KEY = 0x5045524D  # "PERM"

_instances = itertools.count(1)


def fields(**values: object) -> str:
    """`key=value` pairs, one log line a machine can parse (`event=job node=… sent=3`)."""
    return " ".join(f"{key}={value}" for key, value in values.items())


# The context of each scheduler of this process that leads, by node. The job store keeps
# only references and plain arguments, so a stored job names its leader's node and
# `run_job` hands the job that leader's context.
_leading: dict[str, JobContext] = {}


def run_job(ref: str, node: str) -> Mapping[str, int] | None:
    """What the job store keeps for every job: run job `ref` ("module:function") with the
    context of the leader `node` (nothing when that scheduler no longer leads). Returns
    the job's counts, which `_log_run` writes in the job's log line."""
    context = _leading.get(node)
    if context is None:
        log.warning("%s", fields(event="job_skipped", job=ref, node=node, reason="not_leader"))
        return None
    job: Callable[[JobContext], Mapping[str, int] | None] = ref_to_obj(ref)
    return job(context)


class LeaderLock:
    """Held by one scheduler process at a time; `acquire()` does not block."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.db = db
        self._connection: Connection | None = None
        self._file: FileLock | None = None
        if db.dialect != "postgresql":
            path = settings["scheduler.lock_path"] or str(instance_dir(settings) / "scheduler.lock")
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # Not thread-local: the lock is taken by the scheduler's thread and released
            # by whoever calls shutdown() (the main thread, a signal handler).
            self._file = FileLock(path, thread_local=False)

    def acquire(self) -> bool:
        if self._file is not None:
            try:
                self._file.acquire(timeout=0)
            except Timeout:
                return False
            return True
        if self._connection is None:
            # A connection of its own, held while leading: the advisory lock lives
            # exactly as long as this database session.
            self._connection = self.db.engine.connect()
        try:
            got = self._connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            ).scalar()
            self._connection.commit()
        except Exception:
            # A dead session (server restarted, backend terminated): never reuse it, or
            # every later try fails the same way and this standby never takes the lead.
            self._drop_connection()
            raise
        if not got:
            # A standby does not keep an idle session open between tries: one from
            # the pool each time (a dead one is replaced before use) survives server
            # restarts.
            self._drop_connection(keep=True)
        return bool(got)

    def still_held(self) -> bool:
        """False when the lock's database session died (server restart, network cut)."""
        if self._file is not None:
            return self._file.is_locked
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
        except Exception:
            log.warning("scheduler lock connection lost", exc_info=True)
            self._drop_connection()
            return False
        return True

    def release(self) -> None:
        if self._file is not None:
            if self._file.is_locked:
                self._file.release(force=True)
            return
        if self._connection is not None:
            try:
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
                self._connection.commit()
            except Exception:  # a dead session has released its locks already
                log.warning("could not unlock the scheduler lock", exc_info=True)
            finally:
                self._drop_connection()

    def _drop_connection(self, keep: bool = False) -> None:
        """Forget the lock's connection; `keep` returns a healthy one to the pool."""
        if self._connection is not None:
            try:
                if not keep:
                    self._connection.invalidate()
                self._connection.close()
            except Exception:  # pragma: no cover - closing a broken connection
                pass
            self._connection = None


class DeskScheduler:
    """Waits for leadership, then runs every job of `jobs` (default `desk.jobs.JOBS`)."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        poll_seconds: float = 5.0,
        jobs: Sequence[Job] | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        # The instance counter tells apart two schedulers of one process (tests, `desk run`).
        self.node = f"{socket.gethostname()}:{os.getpid()}:{next(_instances)}"
        self.lock = LeaderLock(settings, db)
        self.poll_seconds = poll_seconds
        self.jobs = jobs
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
            try:
                self._step()
            except Exception as exc:  # keep trying: the database may come back
                log.warning(
                    "%s",
                    fields(
                        event="leader_election_failed", node=self.node, error=type(exc).__name__
                    ),
                )
            self._stop.wait(self.poll_seconds)

    def _step(self) -> None:
        if self.scheduler is None:
            if self.lock.acquire():
                log.info("%s", fields(event="leader_acquired", node=self.node))
                _leading[self.node] = JobContext(self.settings, self.db, self.node)
                self.scheduler = self._start_jobs()
        elif not self.lock.still_held():
            # Another process may lead now: stop before it and we both run jobs.
            log.warning("%s", fields(event="leader_lost", node=self.node))
            self._stop_jobs()

    def _start_jobs(self) -> BackgroundScheduler:
        scheduler = BackgroundScheduler(
            jobstores={"default": LastingJobStore(self.db.engine, self.poll_seconds)},
            # A failed read of the due jobs is tried again as often as the lead is.
            jobstore_retry_interval=self.poll_seconds,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            timezone=UTC,
        )
        started = system_now()
        for job in JOBS if self.jobs is None else self.jobs:
            scheduler.add_job(
                run_job,
                "interval",
                args=(job.ref, self.node),
                seconds=job.seconds(self.settings),
                id=job.id,
                name=job.id,
                # Replaces what an earlier version stored under this id (another
                # function reference, such as `scheduling.jobs:beat`, or another node).
                replace_existing=True,
                # Sweeps are safe to repeat: run each at once, so a new leader catches up
                # and /readyz sees a heartbeat without waiting a whole period.
                next_run_time=started,
            )
        scheduler.add_listener(self._log_run, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        scheduler.start()
        return scheduler

    def _log_run(self, event: JobExecutionEvent) -> None:
        """One line per job run: which, how long, what it did (its counts) or what failed."""
        took = (system_now() - event.scheduled_run_time).total_seconds()
        line = {"event": "job_run", "job": event.job_id, "node": self.node}
        if event.exception is not None:
            # APScheduler's executor logs the traceback; this is the line to grep for.
            log.error("%s", fields(**line, status="error", error=type(event.exception).__name__))
            return
        counts = event.retval if isinstance(event.retval, dict) else {}
        log.info("%s", fields(**line, status="ok", seconds=f"{took:.3f}", **counts))

    def _stop_jobs(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None
        _leading.pop(self.node, None)

    def shutdown(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            # Wait for the loop, so it cannot start jobs after we have stopped them.
            self._thread.join(timeout=max(30.0, self.poll_seconds * 2))
        self._stop_jobs()
        self.lock.release()
        log.info("%s", fields(event="scheduler_stopped", node=self.node))


def start_scheduler(settings: Settings, db: Database) -> DeskScheduler:
    return DeskScheduler(settings, db).start()


def run_scheduler_forever(settings: Settings, db: Database) -> None:
    # `desk scheduler` is its own process: without this its INFO lines (leader changes,
    # every job run) went nowhere.
    logging.basicConfig(
        level=settings["server.log_level"],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    scheduler = start_scheduler(settings, db)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(3600):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown()

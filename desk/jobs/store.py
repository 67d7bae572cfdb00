"""The job store: APScheduler's SQLAlchemy store, kept alive through database errors.

APScheduler 3 guards its read of the due jobs (it logs and tries again ten seconds later)
but not the two writes and reads that follow in the same loop: storing a job's next run
time and reading the store's next wake-up. A connection killed there (a server restart,
a failover, a network cut) raised out of the scheduler's thread and ended it for good,
while this process still held the leader lock: no job ran again until a restart
(agronholm/apscheduler#109, #1083). Here both are logged and answered so that the loop
goes on: a job whose next run time was not stored is due again at the next wake-up and
runs once more, which every job allows (they sweep and claim by compare-and-set).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.job import Job as StoredJob
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)


class LastingJobStore(SQLAlchemyJobStore):
    """`retry_seconds`: how soon the loop looks again when the store could not say when
    (the scheduler's `jobstore_retry_interval`, its wait after a failed read of due jobs)."""

    def __init__(self, engine: Engine, retry_seconds: float) -> None:
        super().__init__(engine=engine)
        self.retry_seconds = retry_seconds

    def update_job(self, job: StoredJob) -> None:
        try:
            super().update_job(job)
        except DBAPIError as error:
            log.warning(
                "event=job_store_error action=update job=%s error=%s", job.id, type(error).__name__
            )

    def get_next_run_time(self) -> datetime | None:
        try:
            next_run: datetime | None = super().get_next_run_time()
        except DBAPIError as error:
            log.warning("event=job_store_error action=next_run error=%s", type(error).__name__)
            return datetime.now(UTC) + timedelta(seconds=self.retry_seconds)
        return next_run

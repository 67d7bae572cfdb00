"""The timed jobs. Each is a module-level function taking the `JobContext` it runs in
(settings, database, clock, node); it sweeps the database, claims its work by
compare-and-set and owns its transactions. The job store keeps each job's "module:function"
reference (`Job.ref`) as the argument of `desk.jobs.runtime.run_job`, which hands the
job its leader's context. To add a job: write it in a module of this package and list
it in JOBS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from desk.base.clock import Clock, system_now
from desk.base.config import Settings
from desk.base.db import Database, begin_immediate


@dataclass(frozen=True)
class JobContext:
    """What a job runs with: given by the scheduler that leads, or by a test."""

    settings: Settings
    db: Database
    node: str  # the scheduler that runs the job (host:pid:instance)
    clock: Clock = field(default=system_now)


@contextmanager
def job_session(context: JobContext) -> Iterator[Session]:
    """A job's unit of work, committed at the end (`Database.session`), holding SQLite's
    write lock from its first read (`begin_immediate`), as a webhook does.

    Jobs read, then write what they found due. Under `desk run` the web, the outbox
    thread and the jobs share one SQLite file: a plain transaction's read snapshot cannot
    become a write one once another connection has committed, and SQLite answers
    "database is locked" at the job's first write, whatever the busy timeout (the digest,
    gap alerts and monthly reports failed so). Taken first, the lock is waited for like
    any writer's. A job that waits on the network fetches outside any unit, then writes in
    one (the busy-time import). On PostgreSQL a plain transaction either way.
    """
    with context.db.session() as session:
        begin_immediate(session)
        yield session


@dataclass(frozen=True)
class Job:
    id: str
    ref: str  # "module:function", what the job store keeps
    seconds: Callable[[Settings], int]


JOBS: list[Job] = [
    Job("heartbeat", "desk.jobs.heartbeat:beat", lambda s: s["scheduler.heartbeat_seconds"]),
    Job("outbox", "desk.jobs.outbox:dispatch", lambda s: s["scheduler.outbox_seconds"]),
    Job("digest", "desk.jobs.digest:send_digests", lambda s: s["scheduler.digest_seconds"]),
    Job("reminders", "desk.jobs.reminders:sweep", lambda s: s["scheduler.reminder_seconds"]),
    Job("duty-notices", "desk.jobs.duty_notices:sweep", lambda s: 60),
    Job(
        "busy-import",
        "desk.jobs.busy_import:run",
        lambda s: 60 * s["scheduler.busy_import_minutes"],
    ),
    Job("gap-alerts", "desk.jobs.housekeeping:gap_alerts", lambda s: 3600),
    Job("retention", "desk.jobs.housekeeping:purge", lambda s: 86400),
    Job("monthly-reports", "desk.jobs.reports:monthly", lambda s: 3600),
    Job("call-hours", "desk.jobs.reports:call_hours", lambda s: 300),
    Job("feed-parts", "desk.jobs.feed_parts:fill", lambda s: 300),
    Job("presence", "desk.jobs.presence:sweep", lambda s: s["presence.sweep_seconds"]),
    Job("queue", "desk.jobs.queue:dispatch", lambda s: s["queue.dispatch_seconds"]),
    Job("invoice-reminders", "desk.jobs.billing:reminders", lambda s: 3600),
    Job("calendar-push", "desk.jobs.calendars:push", lambda s: s["scheduler.outbox_seconds"]),
    Job("calendar-pull", "desk.jobs.calendars:pull", lambda s: 60 * s["calendars.pull_minutes"]),
    Job("offer-waves", "desk.jobs.offers:waves", lambda s: 60),
    Job("offer-auto", "desk.jobs.offers:auto", lambda s: 3600),
]

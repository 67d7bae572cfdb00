"""The timed jobs. Each is a module-level function taking no arguments (the job store
keeps a reference to it); it reads what it needs from `desk.jobs.runtime.runtime()`,
sweeps the database and claims its work by compare-and-set.

To add a job: write it in a module of this package and list it in JOBS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desk.base.config import Settings


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
    Job("invoice-reminders", "desk.jobs.billing:reminders", lambda s: 3600),
]

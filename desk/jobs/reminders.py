"""The reminder sweep (see `scheduling.reminders`)."""

from __future__ import annotations

from desk.jobs import JobContext, job_session
from scheduling.reminders import send_due_reminders


def sweep(context: JobContext) -> dict[str, int]:
    with job_session(context) as session:
        queued = send_due_reminders(
            session, context.clock(), context.settings["server.public_base_url"]
        )
    return {"queued": queued}

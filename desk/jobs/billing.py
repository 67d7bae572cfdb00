"""Invoice reminders at due date + 7, + 15 and + 30 days (see `desk.billing.collection`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from desk.billing.collection import send_due_reminders
from desk.jobs import JobContext, job_session


def reminders(context: JobContext) -> dict[str, int]:
    now = context.clock()
    with job_session(context) as session:
        sent = send_due_reminders(session, now.astimezone(ZoneInfo("Europe/Paris")).date(), now)
    return {"queued": len(sent)}

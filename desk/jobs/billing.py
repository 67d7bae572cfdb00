"""Invoice reminders at due date + 7, + 15 and + 30 days (see `desk.billing.collection`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from desk.billing.collection import send_due_reminders
from desk.jobs.runtime import runtime


def reminders() -> None:
    rt = runtime()
    now = rt.clock()
    with rt.db.session() as session:
        send_due_reminders(session, now.astimezone(ZoneInfo("Europe/Paris")).date(), now)

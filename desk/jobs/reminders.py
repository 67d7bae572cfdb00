"""The reminder sweep (see `scheduling.reminders`)."""

from __future__ import annotations

from desk.jobs.runtime import runtime
from scheduling.reminders import send_due_reminders


def sweep() -> None:
    rt = runtime()
    with rt.db.session() as session:
        send_due_reminders(session, rt.clock(), rt.settings["server.public_base_url"])

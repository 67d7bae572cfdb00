"""The reminder sweep (see `scheduling.reminders`)."""

from __future__ import annotations

from desk.clock import system_now
from scheduling.reminders import send_due_reminders
from scheduling.runtime import runtime


def sweep() -> None:
    rt = runtime()
    with rt.db.session() as session:
        send_due_reminders(session, system_now(), rt.settings["server.public_base_url"])

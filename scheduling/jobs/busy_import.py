"""Periodic import of clients' own calendars as busy times (see `scheduling.busy_import`)."""

from __future__ import annotations

from desk.clock import system_now
from scheduling.busy_import import import_all
from scheduling.runtime import runtime


def run() -> None:
    rt = runtime()
    with rt.db.session() as session:
        import_all(session, system_now())

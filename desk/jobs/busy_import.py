"""Periodic import of clients' own calendars as busy times (see `scheduling.busy_import`)."""

from __future__ import annotations

from desk.jobs.runtime import runtime
from scheduling.busy_import import import_all


def run() -> None:
    rt = runtime()
    with rt.db.session() as session:
        import_all(session, rt.clock())

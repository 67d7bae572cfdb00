"""Periodic import of clients' own calendars as busy times (see `scheduling.busy_import`)."""

from __future__ import annotations

from desk.jobs.runtime import runtime
from scheduling.busy_import import import_all


def run() -> dict[str, int]:
    rt = runtime()
    with rt.db.session() as session:
        results = import_all(session, rt.clock())
    failed = sum(1 for blocks in results.values() if blocks is None)
    return {"sources": len(results), "failed": failed}

"""Periodic import of clients' own calendars as busy times (see `scheduling.busy_import`)."""

from __future__ import annotations

from desk.jobs import JobContext
from desk.models import CalendarSource
from scheduling.busy_import import import_source, sync_sources


def run(context: JobContext) -> dict[str, int]:
    with context.db.session() as session:
        source_ids = [source.id for source in sync_sources(session)]
    # One unit of work per source: a slow or failing calendar does not hold up the others.
    failed = 0
    for source_id in source_ids:
        with context.db.session() as session:
            source = session.get(CalendarSource, source_id)
            if source is not None and import_source(session, source, context.clock()) is None:
                failed += 1
    return {"sources": len(source_ids), "failed": failed}

"""Periodic import of clients' own calendars as busy times (see `scheduling.busy_import`)."""

from __future__ import annotations

from functools import partial

from desk.jobs import JobContext
from desk.models import CalendarSource
from scheduling.busy_import import fetch_url, import_source, sync_sources
from scheduling.calendars.dav import trusted_networks


def run(context: JobContext) -> dict[str, int]:
    with context.db.session() as session:
        source_ids = [source.id for source in sync_sources(session)]
    # One unit of work per source: a slow or failing calendar does not hold up the others.
    trusted = trusted_networks(context.settings["calendars.trusted_networks"])
    fetch = partial(fetch_url, trusted=trusted)
    failed = 0
    for source_id in source_ids:
        with context.db.session() as session:
            source = session.get(CalendarSource, source_id)
            if (
                source is not None
                and import_source(session, source, context.clock(), fetch) is None
            ):
                failed += 1
    return {"sources": len(source_ids), "failed": failed}

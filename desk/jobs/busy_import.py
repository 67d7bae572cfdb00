"""Import the clients' published busy times (ICS URLs), one source at a time."""

from __future__ import annotations

from desk.jobs import JobContext, job_session
from desk.models import CalendarSource
from scheduling.busy_import import fetch_url, import_source, sync_sources
from scheduling.calendars.dav import trusted_networks


def run(context: JobContext) -> dict[str, int]:
    with context.db.session() as session:
        sources = [(source.id, source.url) for source in sync_sources(session)]
    trusted = trusted_networks(context.settings["calendars.trusted_networks"])
    failed = 0
    for source_id, url in sources:
        # Fetched outside any transaction: a slow calendar server never holds the
        # database's write lock (a job's unit of work takes it first, `job_session`).
        try:
            body: bytes | BaseException = fetch_url(url, trusted=trusted)
        except Exception as error:  # recorded on the source by import_source below
            body = error

        def fetched(_url: str, body: bytes | BaseException = body) -> bytes:
            if isinstance(body, BaseException):
                raise body
            return body

        # One unit of work per source: a failing calendar does not hold up the others.
        with job_session(context) as session:
            source = session.get(CalendarSource, source_id)
            if (
                source is not None
                and import_source(session, source, context.clock(), fetched) is None
            ):
                failed += 1
    return {"sources": len(sources), "failed": failed}

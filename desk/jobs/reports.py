"""Report jobs: the monthly activity reports, and the desk-wide hourly roll-up."""

from __future__ import annotations

from desk.jobs import JobContext
from desk.reports.monthly import send_monthly_reports
from desk.reports.rollup import refresh
from desk.reports.settled import settle


def monthly(context: JobContext) -> dict[str, int]:
    """Last month's report, once per client, at the start of each month."""
    with context.db.session() as session:
        sent = send_monthly_reports(session, context.clock())
    return {"queued": sent}


def call_hours(context: JobContext) -> dict[str, int]:
    """Count the calls added since the last run into `call_hours`, and the hours settled
    since into the desk-wide activity's roll-up."""
    with context.db.session() as session:
        counted = refresh(session, context.clock())
        settled = settle(session, context.clock())
    return {"calls": counted, "settled_hours": settled}

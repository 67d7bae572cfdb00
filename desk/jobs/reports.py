"""Report jobs: the monthly activity reports, and the desk-wide hourly roll-up."""

from __future__ import annotations

from desk.base.clock import Clock
from desk.base.db import Database, begin_immediate
from desk.jobs import JobContext, job_session
from desk.reports.monthly import send_monthly_reports
from desk.reports.rollup import refresh
from desk.reports.settled import behind, settle


def monthly(context: JobContext) -> dict[str, int]:
    """Last month's report, once per client, at the start of each month."""
    with job_session(context) as session:
        sent = send_monthly_reports(session, context.clock())
    return {"queued": sent}


def call_hours(context: JobContext) -> dict[str, int]:
    """Count the calls added since the last run into `call_hours`, and the hours settled
    since into the desk-wide reports' roll-up."""
    with job_session(context) as session:
        counted = refresh(session, context.clock())
    return {"calls": counted, "settled_hours": catch_up(context.db, context.clock)}


def catch_up(db: Database, clock: Clock) -> int:
    """Count the settled hours not counted yet, a week of them per unit of work (so a
    long history does not hold SQLite's write lock for minutes); how many."""
    settled, more = 0, True
    while more:
        with db.session() as session:
            begin_immediate(session)  # as `job_session`
            settled += settle(session, clock())
            more = behind(session, clock())
    return settled

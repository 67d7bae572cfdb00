"""Report jobs: the monthly activity reports, and the desk-wide hourly roll-up."""

from __future__ import annotations

from desk.jobs.runtime import runtime
from desk.reports.monthly import send_monthly_reports
from desk.reports.rollup import refresh


def monthly() -> None:
    """Last month's report, once per client, at the start of each month."""
    rt = runtime()
    with rt.db.session() as session:
        send_monthly_reports(session, rt.clock())


def call_hours() -> None:
    """Count the calls added since the last run into `call_hours`."""
    rt = runtime()
    with rt.db.session() as session:
        refresh(session, rt.clock())

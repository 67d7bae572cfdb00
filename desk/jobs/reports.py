"""Monthly activity reports: last month's, once per client, at the start of each month."""

from __future__ import annotations

from desk.base.clock import system_now
from desk.jobs.runtime import runtime
from desk.reports.monthly import send_monthly_reports


def monthly() -> None:
    rt = runtime()
    with rt.db.session() as session:
        send_monthly_reports(session, system_now())

"""Hourly: tell the admins about rota gaps in the coming week. Daily: purge old receipts."""

from __future__ import annotations

from desk.calls.receipts import purge_webhook_receipts
from desk.jobs import JobContext, job_session
from desk.rota.gap_alerts import alert_upcoming_gaps


def gap_alerts(context: JobContext) -> dict[str, int]:
    with job_session(context) as session:
        base_url = context.settings["server.public_base_url"]
        queued = alert_upcoming_gaps(session, context.clock(), base_url=base_url)
    return {"queued": queued}


def purge(context: JobContext) -> dict[str, int]:
    with job_session(context) as session:
        purged = purge_webhook_receipts(session, context.clock())
    return {"purged": purged}

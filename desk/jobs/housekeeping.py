"""Hourly: tell the admins about rota gaps in the coming week. Daily: purge old receipts."""

from __future__ import annotations

from desk.calls.receipts import alert_upcoming_gaps, purge_webhook_receipts
from desk.jobs.runtime import runtime


def gap_alerts() -> dict[str, int]:
    rt = runtime()
    with rt.db.session() as session:
        queued = alert_upcoming_gaps(session, rt.clock())
    return {"queued": queued}


def purge() -> dict[str, int]:
    rt = runtime()
    with rt.db.session() as session:
        purged = purge_webhook_receipts(session, rt.clock())
    return {"purged": purged}

"""Hourly: tell the admins about rota gaps in the coming week. Daily: purge old receipts."""

from __future__ import annotations

import logging

from desk.calls.receipts import alert_upcoming_gaps, purge_webhook_receipts
from desk.jobs import JobContext

log = logging.getLogger(__name__)


def gap_alerts(context: JobContext) -> None:
    with context.db.session() as session:
        queued = alert_upcoming_gaps(session, context.clock())
    if queued:
        log.info("rota gaps: %d alert(s) queued", queued)


def purge(context: JobContext) -> None:
    with context.db.session() as session:
        purged = purge_webhook_receipts(session, context.clock())
    log.info("retention: %d webhook receipt(s) purged", purged)

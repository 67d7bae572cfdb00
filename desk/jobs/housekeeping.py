"""Hourly: tell the admins about rota gaps in the coming week. Daily: purge old receipts."""

from __future__ import annotations

import logging

from desk.base.clock import system_now
from desk.calls.receipts import alert_upcoming_gaps, purge_webhook_receipts
from desk.jobs.runtime import runtime

log = logging.getLogger(__name__)


def gap_alerts() -> None:
    with runtime().db.session() as session:
        queued = alert_upcoming_gaps(session, system_now())
    if queued:
        log.info("rota gaps: %d alert(s) queued", queued)


def purge() -> None:
    with runtime().db.session() as session:
        purged = purge_webhook_receipts(session, system_now())
    log.info("retention: %d webhook receipt(s) purged", purged)

"""Outbox dispatch: send every due SMS and e-mail (claims make concurrent runs safe)."""

from __future__ import annotations

from desk.jobs import JobContext
from desk.outbox.dispatch import Dispatcher


def dispatch(context: JobContext) -> dict[str, int]:
    result = Dispatcher(context.db, context.settings, node=context.node, clock=context.clock).run()
    return {
        "sent": result.sent,
        "retried": result.retried,
        "failed": result.failed,
        "skipped": result.skipped,
    }

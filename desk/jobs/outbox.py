"""Outbox dispatch: send every due SMS and e-mail (claims make concurrent runs safe)."""

from __future__ import annotations

from desk.jobs.runtime import runtime
from desk.outbox.dispatch import Dispatcher


def dispatch() -> dict[str, int]:
    rt = runtime()
    result = Dispatcher(rt.db, rt.settings, node=rt.node, clock=rt.clock).run()
    return {
        "sent": result.sent,
        "retried": result.retried,
        "failed": result.failed,
        "skipped": result.skipped,
    }

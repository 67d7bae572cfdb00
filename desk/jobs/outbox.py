"""Outbox dispatch: send every due SMS and e-mail (claims make concurrent runs safe)."""

from __future__ import annotations

from desk.jobs.runtime import runtime
from desk.outbox.dispatch import Dispatcher


def dispatch() -> None:
    rt = runtime()
    Dispatcher(rt.db, rt.settings, node=rt.node, clock=rt.clock).run()

"""End-of-coverage digests: one per client and window that has ended."""

from __future__ import annotations

from desk.jobs.runtime import runtime
from desk.messages.digest import send_due_digests


def send_digests() -> None:
    rt = runtime()
    with rt.db.session() as session:
        send_due_digests(session, rt.clock())

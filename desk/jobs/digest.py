"""End-of-coverage digests: one per client and window that has ended."""

from __future__ import annotations

from desk.jobs import JobContext, job_session
from desk.messages.digest import send_due_digests


def send_digests(context: JobContext) -> dict[str, int]:
    with job_session(context) as session:
        queued = send_due_digests(session, context.clock())
    return {"queued": queued}

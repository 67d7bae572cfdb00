"""Shift-start notices (see `desk.rota.notices`)."""

from __future__ import annotations

from desk.jobs import JobContext, job_session
from desk.rota.notices import send_duty_notices


def sweep(context: JobContext) -> dict[str, int]:
    with job_session(context) as session:
        queued = send_duty_notices(session, context.clock())
    return {"queued": queued}

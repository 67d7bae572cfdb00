"""Shift-start notices (see `desk.rota.notices`)."""

from __future__ import annotations

from desk.jobs import JobContext
from desk.rota.notices import send_duty_notices


def sweep(context: JobContext) -> dict[str, int]:
    with context.db.session() as session:
        queued = send_duty_notices(session, context.clock())
    return {"queued": queued}

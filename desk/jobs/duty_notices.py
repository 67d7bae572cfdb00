"""Shift-start notices (see `desk.rota.notices`)."""

from __future__ import annotations

from desk.base.clock import system_now
from desk.jobs.runtime import runtime
from desk.rota.notices import send_duty_notices


def sweep() -> None:
    with runtime().db.session() as session:
        send_duty_notices(session, system_now())

"""The current time, replaceable per app so tests and the simulator can pin it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_now() -> datetime:
    return datetime.now(UTC)


def now() -> datetime:
    """Aware UTC now: the app's clock inside a Flask app context, the system's otherwise."""
    try:
        from flask import current_app

        clock: Clock = current_app.extensions.get("desk.clock", system_now)
    except RuntimeError:  # no app context: CLI, scheduler, plain domain code
        return system_now()
    return clock()

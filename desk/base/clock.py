"""The one clock: aware UTC now, and the type of anything that tells the time.

Domain functions never read the clock: they take `now`/`at` as an argument. The edges
own a `Clock` and pass its reading down: a request reads the app's pinned clock
(`desk.request_context.now`, pinned by tests and the simulator with `set_clock`), a job
reads its runtime's, a command its context's (`desk.cli.base.clock_from`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_now() -> datetime:
    """The system's aware UTC now: the default clock everywhere."""
    return datetime.now(UTC)

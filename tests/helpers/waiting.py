"""Waiting for what another thread or process does, when it says nothing when done: the
condition is asked again every 50 ms until it holds or the time is up."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], object], seconds: float = 10.0) -> bool:
    """True as soon as `condition()` holds; False if it still does not after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())

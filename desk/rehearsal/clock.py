"""Virtual time: a heap of timed events, and the clock the scratch desk reads.

Each event runs at its moment with the clock set to it; what it does may schedule more.
Events at the same moment run in the order they were scheduled.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from datetime import datetime, timedelta

# A rehearsal that schedules this many events is looping: stopped, never hung.
MAX_EVENTS = 500_000


class RunawayRehearsal(RuntimeError):
    """More events than any rush needs: a bug, reported instead of looping."""


class EventLoop:
    def __init__(self, start: datetime) -> None:
        self.start = start
        self.now = start
        self._heap: list[tuple[datetime, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self.ran = 0

    def clock(self) -> datetime:
        """The scratch desk's now (`desk.request_context.set_clock`, job contexts)."""
        return self.now

    @property
    def elapsed(self) -> float:
        return (self.now - self.start).total_seconds()

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self._heap, (max(when, self.now), next(self._order), action))

    def after(self, seconds: float, action: Callable[[], None]) -> None:
        self.at(self.now + timedelta(seconds=max(seconds, 0.0)), action)

    def run(self) -> None:
        while self._heap:
            when, _, action = heapq.heappop(self._heap)
            self.now = when
            self.ran += 1
            if self.ran > MAX_EVENTS:
                raise RunawayRehearsal(f"more than {MAX_EVENTS} events")
            action()

"""Who calls when: Poisson arrivals over the rush, exponential talk and patience, and the
key a held caller presses (1 = a message, 2 = a callback), all from one seed."""

from __future__ import annotations

import random
from dataclasses import dataclass

MAX_CALLS = 2000
MAX_MINUTES = 8 * 60


@dataclass(frozen=True)
class Caller:
    number: str
    arrives: float  # seconds after the start
    talk: float  # seconds with a secretary once bridged
    patience: float  # seconds she stays held before hanging up
    key: str  # "1", "2" or "" (presses nothing while held)


@dataclass(frozen=True)
class Load:
    calls: int
    minutes: float
    talk: float
    patience: float
    press_1: float = 0.0
    press_2: float = 0.0
    seed: int = 1


def callers(load: Load) -> list[Caller]:
    """`load.calls` callers, arriving as a Poisson process over `load.minutes` (given
    their number, arrival times are uniform: sorted uniform draws)."""
    rng = random.Random(load.seed)
    span = load.minutes * 60
    arrivals = sorted(rng.uniform(0, span) for _ in range(load.calls))
    made = []
    for n, arrives in enumerate(arrivals):
        draw = rng.random()
        key = "1" if draw < load.press_1 else "2" if draw < load.press_1 + load.press_2 else ""
        made.append(
            Caller(
                number=f"+3361{n:07d}"[:12],
                arrives=arrives,
                talk=max(1.0, rng.expovariate(1 / load.talk)),
                patience=max(1.0, rng.expovariate(1 / load.patience)),
                key=key,
            )
        )
    return made

"""Erlang C: how many secretaries answer a given traffic within a target time.

The M/M/N queue (Poisson arrivals, exponential handling, N agents, callers who wait):

    A    = arrival rate x mean handling time          (offered traffic, in Erlangs)
    B(N) = Erlang B, by the recursion B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1))
    C(N) = N B(N) / (N - A (1 - B(N)))                (probability a caller waits; A < N)
    SL   = 1 - C(N) exp(-(N - A) T / AHT)             (share answered within T seconds)
    occupancy = A / N

Reference: A. K. Erlang (1917); N. Gans, G. Koole, A. Mandelbaum, "Telephone call
centers: tutorial, review, and research prospects", Manufacturing & Service Operations
Management 5(2), 2003, section 4.1 (the Erlang C formula and its service level). The
recursion through Erlang B is the numerically stable way to compute it (no factorials).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from desk.base.errors import DomainError

MAX_AGENTS = 1000


@dataclass(frozen=True)
class Staffing:
    agents: int
    service_level: float  # share of calls answered within the target time
    occupancy: float  # share of the agents' time spent on calls
    traffic: float  # Erlangs
    wait_probability: float


def traffic(calls_per_hour: float, aht_seconds: float) -> float:
    return calls_per_hour * aht_seconds / 3600


def erlang_b(agents: int, erlangs: float) -> float:
    b = 1.0
    for n in range(1, agents + 1):
        b = erlangs * b / (n + erlangs * b)
    return b


def erlang_c(agents: int, erlangs: float) -> float:
    """Probability that a caller waits; 1 when the agents cannot keep up (A >= N)."""
    if erlangs <= 0:
        return 0.0
    if agents <= erlangs:
        return 1.0
    b = erlang_b(agents, erlangs)
    return agents * b / (agents - erlangs * (1 - b))


def service_level(agents: int, erlangs: float, aht_seconds: float, within_seconds: float) -> float:
    """Share of calls answered within `within_seconds` with `agents` on duty."""
    if erlangs <= 0:
        return 1.0
    if agents <= erlangs:
        return 0.0
    wait = erlang_c(agents, erlangs)
    return max(0.0, 1 - wait * math.exp(-(agents - erlangs) * within_seconds / aht_seconds))


# Beyond these a figure is a typing slip, and the sums would overflow.
MOST_CALLS_PER_HOUR = 100_000
MOST_SECONDS = 86_400


def _check(calls_per_hour: float, aht_seconds: float, target: float, within: float) -> None:
    for field, value, most in (
        ("calls_per_hour", calls_per_hour, MOST_CALLS_PER_HOUR),
        ("aht", aht_seconds, MOST_SECONDS),
        ("within", within, MOST_SECONDS),
    ):
        if value > most:
            raise DomainError("staffing_out_of_range", field, most=most)
    if not math.isfinite(calls_per_hour) or calls_per_hour < 0:
        raise DomainError("staffing_calls_per_hour", "calls_per_hour")
    if not math.isfinite(aht_seconds) or aht_seconds <= 0:
        raise DomainError("staffing_aht", "aht")
    if not 0 < target < 1:
        raise DomainError("staffing_target", "target")
    if not math.isfinite(within) or within < 0:
        raise DomainError("staffing_within", "within")


def staffing(
    calls_per_hour: float, aht_seconds: float, target: float = 0.8, within_seconds: float = 20
) -> Staffing:
    """The fewest agents answering `target` of the calls within `within_seconds`."""
    _check(calls_per_hour, aht_seconds, target, within_seconds)
    erlangs = traffic(calls_per_hour, aht_seconds)
    if erlangs == 0:
        return Staffing(0, 1.0, 0.0, 0.0, 0.0)
    agents = max(1, math.floor(erlangs) + 1)
    while agents < MAX_AGENTS:
        level = service_level(agents, erlangs, aht_seconds, within_seconds)
        if level >= target:
            break
        agents += 1
    else:
        raise DomainError("staffing_too_many", "calls_per_hour", most=MAX_AGENTS)
    return Staffing(
        agents=agents,
        service_level=round(level, 4),
        occupancy=round(erlangs / agents, 4),
        traffic=round(erlangs, 4),
        wait_probability=round(erlang_c(agents, erlangs), 4),
    )

"""Erlang A (M/M/N+M): Erlang C with callers who hang up after an exponential patience.

Stationary law of the birth-death chain (arrivals λ, handling rate μ = 1/AHT, patience
rate θ = 1/mean patience), truncated where its mass is negligible:

    π_k ∝ (λ/μ)^k / k!                                   k <= N
    π_k = π_N ∏_{j=1..k-N} λ / (Nμ + jθ)                 k > N

A caller arriving in state k >= N (PASTA) is m = k - N + 1 steps from a secretary; each
step i (i - 1 callers ahead) ends at rate r_i = Nμ + (i - 1)θ, and she hangs up at rate θ
meanwhile. Competing exponentials: she is answered with probability ∏ r_i / (r_i + θ),
and the time to it is a sum of Exp(Nμ + iθ) whatever happens, so

    SL(T) = Σ_{k<N} π_k + Σ_{k>=N} π_k ∏_{i<=m} r_i/(r_i+θ) · P(Σ_{i<=m} Exp(Nμ+iθ) <= T)

(the share of all callers answered within T; those who hang up count as not answered).
The last probability comes from uniformizing the pure-death chain. Reference: O. Garnett,
A. Mandelbaum, M. Reiman, "Designing a call center with impatient customers",
Manufacturing & Service Operations Management 4(3), 2002; with θ -> 0 it is Erlang C.
"""

from __future__ import annotations

import math

from desk.base.errors import DomainError
from desk.reports.erlang import MAX_AGENTS, Staffing, _check, traffic

_TAIL = 1e-12


def _states(agents: int, lam: float, mu: float, theta: float) -> list[float]:
    """π_0..π_K (normalised), K where the tail is negligible."""
    weights = [1.0]
    for k in range(1, agents + 1):
        weights.append(weights[-1] * lam / (k * mu))
    # The running sum, not sum(weights) at each state: with little impatience and more
    # callers than secretaries the tail is 100,000 states long, and re-adding it was
    # quadratic (seconds per staffing level).
    mass = sum(weights)
    k = agents
    while True:
        k += 1
        weights.append(weights[-1] * lam / (agents * mu + (k - agents) * theta))
        mass += weights[-1]
        if weights[-1] < _TAIL * mass or k > agents + 100_000:
            break
    total = sum(weights)
    return [w / total for w in weights]


def _within(start: list[float], rates: list[float], t: float) -> float:
    """P(absorbed in state 0 by time t) for a pure-death chain (state j -> j-1 at rates[j]),
    started with mass `start[j]` on state j, by uniformization."""
    big = max(rates[1:], default=0.0)
    if big == 0 or t == 0:
        return start[0]
    p = start[:]
    poisson = math.exp(-big * t)
    absorbed = poisson * p[0]
    k, mass = 0, poisson
    while 1 - mass > 1e-13 and k < 100_000:
        nxt = [0.0] * len(p)
        nxt[0] = p[0] + p[1] * rates[1] / big if len(p) > 1 else p[0]
        for j in range(1, len(p)):
            stay = p[j] * (1 - rates[j] / big)
            down = p[j + 1] * rates[j + 1] / big if j + 1 < len(p) else 0.0
            nxt[j] = stay + down
        p = nxt
        k += 1
        poisson *= big * t / k
        mass += poisson
        absorbed += poisson * p[0]
    return absorbed + (1 - mass) * p[0]


def service_level_a(
    agents: int, calls_per_hour: float, aht: float, patience: float, within: float
) -> float:
    """Share of callers answered within `within` seconds, `patience` seconds on average."""
    if calls_per_hour <= 0:
        return 1.0
    if agents <= 0:
        return 0.0
    lam, mu, theta = calls_per_hour / 3600, 1 / aht, 1 / patience
    pi = _states(agents, lam, mu, theta)
    served_now = sum(pi[:agents])
    start = [0.0]
    rates = [0.0]
    answered = 1.0
    for k in range(agents, len(pi)):
        m = k - agents + 1
        r = agents * mu + (m - 1) * theta
        answered *= r / (r + theta)
        start.append(pi[k] * answered)
        rates.append(agents * mu + m * theta)
    return served_now + _within(start, rates, within)


def staffing_a(
    calls_per_hour: float,
    aht_seconds: float,
    patience_seconds: float,
    target: float = 0.8,
    within_seconds: float = 20,
) -> Staffing:
    """The fewest agents answering `target` of all callers within `within_seconds`."""
    _check(calls_per_hour, aht_seconds, target, within_seconds)
    if not math.isfinite(patience_seconds) or patience_seconds <= 0:
        raise DomainError("staffing_patience", "patience")
    erlangs = traffic(calls_per_hour, aht_seconds)
    if erlangs == 0:
        return Staffing(0, 1.0, 0.0, 0.0, 0.0)
    for agents in range(1, MAX_AGENTS):
        level = service_level_a(
            agents, calls_per_hour, aht_seconds, patience_seconds, within_seconds
        )
        if level >= target:
            break
    else:
        raise DomainError("staffing_too_many", "calls_per_hour", most=MAX_AGENTS)
    lam, mu, theta = calls_per_hour / 3600, 1 / aht_seconds, 1 / patience_seconds
    pi = _states(agents, lam, mu, theta)
    busy = sum(min(k, agents) * p for k, p in enumerate(pi))
    return Staffing(
        agents=agents,
        service_level=round(level, 4),
        occupancy=round(busy / agents, 4),
        traffic=round(erlangs, 4),
        wait_probability=round(1 - sum(pi[:agents]), 4),
    )

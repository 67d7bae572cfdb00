"""The queue model (desk/reports/queue_model.py): its limits are the Erlang formulas, and
it agrees with a discrete-event simulation of the desk's queue."""

from __future__ import annotations

import heapq
import itertools
import math
import random
import statistics
from dataclasses import dataclass

import pytest

from desk.base.errors import DomainError
from desk.reports.erlang import erlang_b, erlang_c, service_level, traffic
from desk.reports.erlang_a import service_level_a
from desk.reports.queue_model import QueuePrediction, predict

LOADS = [  # calls per hour, handling time, secretaries
    (30.0, 180.0, 2),
    (60.0, 180.0, 4),
    (100.0, 240.0, 8),
    (400.0, 200.0, 25),
]


def shares_sum_to_one(p: QueuePrediction) -> bool:
    return abs(p.answered + p.abandoned + p.timed_out - 1) < 1e-9


@pytest.mark.parametrize(("calls", "aht", "agents"), LOADS)
def test_no_patience_no_maximum_is_erlang_c(calls: float, aht: float, agents: int) -> None:
    erlangs = traffic(calls, aht)
    p = predict(calls, aht, agents, None, None, within_seconds=20)
    assert shares_sum_to_one(p) and p.answered == 1.0
    assert p.service_level == pytest.approx(service_level(agents, erlangs, aht, 20), abs=1e-6)
    # Erlang C's wait: P(W > t) = C exp(-(N - A) t / AHT).
    c = erlang_c(agents, erlangs)
    for q, got in ((0.5, p.wait_p50_seconds), (0.9, p.wait_p90_seconds)):
        expected = max(0.0, math.log(c / (1 - q)) * aht / (agents - erlangs))
        assert got == pytest.approx(expected, abs=0.05)


@pytest.mark.parametrize(("calls", "aht", "agents"), LOADS)
def test_patience_going_to_infinity_tends_to_erlang_c(
    calls: float, aht: float, agents: int
) -> None:
    c = predict(calls, aht, agents, None, None)
    a = predict(calls, aht, agents, 1e9, None)
    assert a.abandoned < 1e-5
    assert a.service_level == pytest.approx(c.service_level, abs=1e-5)
    assert a.wait_p90_seconds == pytest.approx(c.wait_p90_seconds, abs=0.05)


@pytest.mark.parametrize(("calls", "aht", "agents"), [*LOADS, (120.0, 180.0, 4)])
@pytest.mark.parametrize("patience", [30.0, 120.0, 600.0])
def test_no_maximum_is_erlang_a(calls: float, aht: float, agents: int, patience: float) -> None:
    p = predict(calls, aht, agents, patience, None, within_seconds=20)
    assert shares_sum_to_one(p) and p.timed_out == 0.0
    expected = service_level_a(agents, calls, aht, patience, 20)
    assert p.service_level == pytest.approx(expected, abs=1e-5)
    far = predict(calls, aht, agents, patience, 1e6, within_seconds=20)
    assert far.service_level == pytest.approx(p.service_level, abs=1e-9)
    assert far.timed_out < 1e-9


@pytest.mark.parametrize(("calls", "aht", "agents"), LOADS)
def test_no_queue_is_erlang_b(calls: float, aht: float, agents: int) -> None:
    """Maximum wait 0 (the client form's "no queue"): voicemail whenever all are busy."""
    p = predict(calls, aht, agents, 90.0, 0)
    blocked = erlang_b(agents, traffic(calls, aht))
    assert p.timed_out == pytest.approx(blocked, rel=1e-9)
    assert p.answered == pytest.approx(1 - blocked, rel=1e-9)
    assert p.abandoned == pytest.approx(0.0, abs=1e-12)
    assert p.wait_p90_seconds == 0.0


def test_more_secretaries_answer_more_and_sooner() -> None:
    found = [predict(90.0, 200.0, n, 100.0, 180.0) for n in range(1, 12)]
    for fewer, more in itertools.pairwise(found):
        assert more.answered > fewer.answered
        assert more.service_level > fewer.service_level
        assert more.wait_p90_seconds <= fewer.wait_p90_seconds
        assert shares_sum_to_one(more)


def test_overloaded_without_exit_waits_for_ever_and_with_one_does_not() -> None:
    stuck = predict(100.0, 180.0, 3, None, None)
    assert stuck.service_level == 0.0 and math.isinf(stuck.wait_p50_seconds)
    held = predict(100.0, 180.0, 3, None, 180)
    assert shares_sum_to_one(held) and 0 < held.timed_out < 1
    assert held.wait_p90_seconds < 180


def test_extreme_loads_stay_finite() -> None:
    for calls, agents, patience in ((50_000.0, 10, 3600.0), (1.0, 300, 5.0), (5000, 200, None)):
        p = predict(calls, 180.0, agents, patience, 3600)
        assert shares_sum_to_one(p)
        assert all(math.isfinite(x) for x in (p.wait_p50_seconds, p.wait_p90_seconds))


def test_no_calls_no_agents_bad_patience() -> None:
    assert predict(0, 180, 0, None, None).answered == 1.0
    nobody = predict(10, 180, 0, 60.0, 60)
    assert nobody.answered == 0.0
    assert nobody.timed_out == pytest.approx(math.exp(-1))
    with pytest.raises(DomainError):
        predict(10, 180, 2, 0.0, 60)
    with pytest.raises(DomainError):
        predict(-1, 180, 2, None, 60)


# --- A discrete-event simulation of the queue -------------------------------------------


@dataclass(frozen=True)
class Simulated:
    answered: list[float]  # per batch
    abandoned: list[float]
    timed_out: list[float]
    within: list[float]
    waits: list[float]  # the answered callers' waits

    @staticmethod
    def mean_and_error(values: list[float]) -> tuple[float, float]:
        """Batch means: the mean and its standard error."""
        return statistics.fmean(values), statistics.stdev(values) / math.sqrt(len(values))


def simulate(
    calls_per_hour: float,
    aht: float,
    agents: int,
    patience: float,
    max_wait: float,
    within: float,
    callers: int,
    seed: int,
    batches: int = 20,
) -> Simulated:
    """Callers first come, first served: each takes the secretary free soonest, unless
    she left before (her exponential patience, or the maximum wait). A caller who leaves
    holds nobody, so callers can be taken in arrival order (Lindley's recursion)."""
    rng = random.Random(seed)
    lam, mu, theta = calls_per_hour / 3600, 1 / aht, 1 / patience
    free = [0.0] * agents  # when each secretary is next free (a heap)
    now = 0.0
    warm = callers // 10
    size = (callers - warm) // batches
    outcome = [[0, 0, 0, 0] for _ in range(batches)]  # answered, abandoned, out, within
    waits: list[float] = []
    for i in range(warm + size * batches):
        now += rng.expovariate(lam)
        gives_up = rng.expovariate(theta)
        start = max(now, free[0])
        wait = start - now
        if wait < min(gives_up, max_wait):
            heapq.heapreplace(free, start + rng.expovariate(mu))
            kind = 0
        else:
            kind = 1 if gives_up < max_wait else 2
        if i < warm:
            continue
        row = outcome[(i - warm) // size]
        row[kind] += 1
        if kind == 0:
            waits.append(wait)
            row[3] += wait <= within
    return Simulated(
        [r[0] / size for r in outcome],
        [r[1] / size for r in outcome],
        [r[2] / size for r in outcome],
        [r[3] / size for r in outcome],
        waits,
    )


SIMULATED = [  # calls/h, AHT, secretaries, patience, maximum wait
    (60.0, 180.0, 3, 120.0, 180.0),  # at saturation, both exits used
    (80.0, 180.0, 5, 300.0, 60.0),  # a short maximum wait
    (75.0, 180.0, 2, 200.0, 120.0),  # overloaded
    (200.0, 120.0, 8, 60.0, 300.0),  # impatient callers, a long maximum
]


@pytest.mark.parametrize(("calls", "aht", "agents", "patience", "max_wait"), SIMULATED)
def test_agrees_with_a_simulation(
    calls: float, aht: float, agents: int, patience: float, max_wait: float
) -> None:
    """Tolerance: each share within 4 standard errors (batch means of 20 batches, which
    absorb the callers' correlation through the queue) plus 0.002 for the means'
    own noise; 4 SE leaves a chance of about 6e-5 per figure of failing by luck alone, and
    the seed is fixed. Quantiles: within 5 % or 1.5 s (the empirical p90 of ~40,000 waits
    has a relative standard error near 1 %)."""
    within = 20.0
    p = predict(calls, aht, agents, patience, max_wait, within_seconds=within)
    sim = simulate(calls, aht, agents, patience, max_wait, within, callers=60_000, seed=21)
    for model, batches in (
        (p.answered, sim.answered),
        (p.abandoned, sim.abandoned),
        (p.timed_out, sim.timed_out),
        (p.service_level, sim.within),
    ):
        mean, error = Simulated.mean_and_error(batches)
        assert abs(model - mean) <= 4 * error + 0.002, (model, mean, error)
    waits = sorted(sim.waits)
    for q, model in ((0.5, p.wait_p50_seconds), (0.9, p.wait_p90_seconds)):
        seen = waits[int(q * len(waits))]
        assert abs(model - seen) <= max(1.5, 0.05 * seen), (q, model, seen)

"""The desk's queue as a model: Erlang A (M/M/N+M) with a maximum wait, then voicemail.

Callers arrive at rate λ (Poisson), a secretary handles one in an exponential time of mean
AHT (rate μ), N secretaries. A caller who finds them all busy waits in the queue (first come,
first served) and leaves unanswered at min(τ, D): τ her patience, exponential of rate θ
(she hangs up: *abandoned*), D the client's maximum wait (she goes to voicemail: *timed
out*). Her patience law is then G(x) = 1 - e^{-θx} for x < D, 1 from D on: this is the
M/M/N+G queue, which has an exact solution (F. Baccelli, G. Hébuterne, "On queues with
impatient customers", Performance '81, 1981; S. Zeltyn, A. Mandelbaum, "Call centers with
impatient customers: many-server asymptotics of the M/M/n+G queue", Queueing Systems 51,
2005, section 2). No approximation of the deadline is made.

With H(x) = ∫_0^x (1 - G(u)) du (= (1 - e^{-θx})/θ below D, constant from D on) and the
offered wait V (what a caller of infinite patience would wait; PASTA: what an arrival sees),

    P(V = 0) = Σ_{k<N} π_k = P0,    π_{N-1} = P0 · B(N - 1, A)    (Erlang B, A = λ/μ)
    density of V on x > 0:          f(x) = λ π_{N-1} exp(λ H(x) - N μ x)

and P0 follows from the total mass being 1. A caller who meets V = v > 0 is answered after
v when v < D and she is still there (probability e^{-θv}); else she leaves at her patience
or at D, whichever comes first. So

    answered       = P0 + ∫_0^D f(x) e^{-θx} dx
    timed out      = e^{-θD} ∫_D^∞ f(x) dx            (= e^{-θD} f(D) / (Nμ) exactly)
    SL(T)          = P0 + ∫_0^{min(T,D)} f(x) e^{-θx} dx   (share of ALL callers)

and the waits of the answered have the law of V cut at D and weighted by e^{-θv}. With
θ -> 0 and D -> ∞ this is Erlang C (`desk.reports.erlang`); with D -> ∞, Erlang A
(`desk.reports.erlang_a`); with D = 0 (a client with no queue), Erlang B: whoever finds
everyone busy goes to voicemail at once.

The integrals are taken numerically (composite Simpson) on the window where the integrand
is within e^-45 of its largest value, in steps small against the exponent's slope and
curvature (it is concave): a few dozen to a few hundred evaluations, no loop over states.
Figures are exact to about 1e-6 (tests/test_queue_model.py checks them against the Erlang
formulas and a discrete-event simulation).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass

from desk.base.errors import DomainError
from desk.reports.erlang import _check, erlang_b

_SPAN = 45.0  # the integrand's window: within e^-45 of its largest value
_SLOPE_STEP = 0.1  # a step is at most this over the exponent's slope, curvature^½ (Simpson: ~1e-7)
_MIN_STEPS = 64
_MAX_STEPS = 20_000


@dataclass(frozen=True)
class QueuePrediction:
    agents: int
    answered: float  # shares of callers, sum 1
    abandoned: float  # hung up while waiting
    timed_out: float  # waited the maximum, then voicemail
    # Time to a human among the answered, queue wait included (0 when answered at once);
    # infinite when nobody leaves a queue the secretaries cannot keep up with.
    wait_p50_seconds: float
    wait_p90_seconds: float
    service_level: float  # share of ALL callers answered within `within_seconds`


def predict(
    calls_per_hour: float,
    aht_seconds: float,
    agents: int,
    patience_seconds: float | None,
    max_wait_seconds: float | None,
    within_seconds: float = 20,
) -> QueuePrediction:
    """What `agents` secretaries give callers: shares answered, abandoned, timed out, the
    answered callers' wait (p50, p90) and the share of all callers answered within
    `within_seconds`. `patience_seconds` None: callers never hang up; `max_wait_seconds`
    None: no maximum wait, 0: no queue (voicemail when everyone is busy)."""
    _check(calls_per_hour, aht_seconds, 0.5, within_seconds)
    if patience_seconds is not None and not (
        math.isfinite(patience_seconds) and patience_seconds > 0
    ):
        raise DomainError("staffing_patience", "patience")
    if max_wait_seconds is not None and not max_wait_seconds >= 0:
        raise ValueError(f"maximum wait {max_wait_seconds!r}")
    lam = calls_per_hour / 3600
    theta = 1 / patience_seconds if patience_seconds is not None else 0.0
    deadline = math.inf if max_wait_seconds is None else max_wait_seconds
    if lam == 0:
        return QueuePrediction(agents, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0)
    if agents <= 0:
        return _nobody(agents, theta, deadline)
    return _Queue(lam, 1 / aht_seconds, agents, theta, deadline).predict(within_seconds)


def _nobody(agents: int, theta: float, deadline: float) -> QueuePrediction:
    """No secretary: every caller leaves (or waits for ever, if nothing makes her leave)."""
    if theta == 0 and math.isinf(deadline):
        return QueuePrediction(agents, 1.0, 0.0, 0.0, math.inf, math.inf, 0.0)
    timed_out = math.exp(-theta * deadline) if math.isfinite(deadline) else 0.0
    return QueuePrediction(agents, 0.0, 1 - timed_out, timed_out, 0.0, 0.0, 0.0)


class _Queue:
    """One load: the integrals of exp(φ), φ(x) = λH(x) - Nμx, over [0, D]."""

    def __init__(self, lam: float, mu: float, agents: int, theta: float, deadline: float):
        self.lam, self.mu, self.n, self.theta, self.deadline = lam, mu, agents, theta, deadline
        self.rate = agents * mu  # Nμ: how fast the queue moves when all are busy

    def phi(self, x: float) -> float:
        x = min(x, self.deadline)
        held = x if self.theta == 0 else -math.expm1(-self.theta * x) / self.theta
        return self.lam * held - self.rate * x

    def slope(self, x: float) -> float:
        return self.lam * math.exp(-self.theta * x) - self.rate

    def peak(self) -> float:
        """Where φ is largest on [0, D] (φ is concave)."""
        if self.lam <= self.rate:
            return 0.0
        if self.theta == 0:
            return self.deadline
        return min(math.log(self.lam / self.rate) / self.theta, self.deadline)

    def window(self, top: float, peak: float) -> tuple[float, float]:
        """[lo, hi] ⊂ [0, D] outside which exp(φ - top) < e^-_SPAN."""
        low = top - _SPAN
        lo = 0.0 if self.phi(0.0) >= low else self._cross(0.0, peak, low)
        if math.isfinite(self.deadline) and self.phi(self.deadline) >= low:
            return lo, self.deadline
        far = max(peak, 1.0)
        while self.phi(far) >= low:
            far *= 2
        return lo, self._cross(peak, far, low)

    def _cross(self, a: float, b: float, level: float) -> float:
        """Where φ crosses `level` between a and b (φ monotone there), by bisection."""
        fa = self.phi(a) >= level
        for _ in range(60):
            m = (a + b) / 2
            if (self.phi(m) >= level) == fa:
                a = m
            else:
                b = m
        return (a + b) / 2

    def predict(self, within: float) -> QueuePrediction:
        lam, theta, deadline = self.lam, self.theta, self.deadline
        if theta == 0 and math.isinf(deadline) and lam >= self.rate:
            # Erlang C past saturation: the queue grows for ever, everyone waits.
            return QueuePrediction(self.n, 1.0, 0.0, 0.0, math.inf, math.inf, 0.0)
        peak = self.peak()
        top = self.phi(peak)
        lo, hi = self.window(top, peak)
        steep = max(abs(self.slope(lo)), abs(self.slope(hi))) + theta
        curved = math.sqrt(lam * theta) if theta else 0.0
        step = _SLOPE_STEP / max(steep, curved, 1e-12)
        steps = min(_MAX_STEPS, max(_MIN_STEPS, 2 * math.ceil((hi - lo) / step / 2)))
        h = (hi - lo) / steps if hi > lo else 0.0
        xs = [lo + i * h for i in range(steps + 1)]
        held = [math.exp(self.phi(x) - top) for x in xs]  # exp(φ), scaled
        served = [v * math.exp(-theta * x) for v, x in zip(held, xs, strict=True)]
        cum_served = _cumulative(served, h)
        mass = _cumulative(held, h)[-1]
        # Past D, φ falls at Nμ exactly.
        tail = math.exp(self.phi(deadline) - top) / self.rate if math.isfinite(deadline) else 0.0
        # P0 (1 + λ B J) = 1 with J = ∫_0^∞ exp(φ) = (mass + tail) e^top.
        blocked = erlang_b(self.n - 1, lam / self.mu)
        if blocked > 0:
            log_lbj = math.log(lam * blocked * (mass + tail)) + top
            queued = 1 / (1 + math.exp(-log_lbj)) if log_lbj > -700 else math.exp(log_lbj)
        else:  # so light a load that nobody ever waits
            queued = 0.0
        now = 1 - queued  # P0: answered at once
        scale = queued / (mass + tail)
        answered = now + scale * cum_served[-1]
        timed_out = scale * tail * math.exp(-theta * deadline) if tail else 0.0
        abandoned = max(0.0, 1 - answered - timed_out)

        def answered_by(t: float) -> float:
            return now + scale * _at(xs, cum_served, served, h, min(t, hi))

        def quantile(q: float) -> float:
            goal = q * answered
            if now >= goal:
                return 0.0
            return _inverse(xs, cum_served, served, h, (goal - now) / scale)

        return QueuePrediction(
            agents=self.n,
            answered=answered,
            abandoned=abandoned,
            timed_out=timed_out,
            wait_p50_seconds=quantile(0.5),
            wait_p90_seconds=quantile(0.9),
            service_level=min(1.0, answered_by(within)),
        )


def _cumulative(values: list[float], h: float) -> list[float]:
    """∫ from the first node to each node: Simpson over each pair of steps, the odd nodes
    by the trapezoid from the even one before (only read to interpolate)."""
    out = [0.0] * len(values)
    for i in range(2, len(values), 2):
        out[i] = out[i - 2] + h / 3 * (values[i - 2] + 4 * values[i - 1] + values[i])
        out[i - 1] = out[i - 2] + h / 2 * (values[i - 2] + values[i - 1])
    return out


def _at(xs: list[float], cum: list[float], values: list[float], h: float, t: float) -> float:
    """∫ from xs[0] to t (clamped to the grid), from the even node before t."""
    if h == 0 or t <= xs[0]:
        return 0.0
    i = min(int((t - xs[0]) / h) // 2 * 2, len(xs) - 1)
    rest = t - xs[i]
    if rest <= 0 or i == len(xs) - 1:
        return cum[i]
    # exp(φ) is near-exponential over a step: integrate the log-linear interpolant.
    a, b = values[i], values[i + 1]
    if a <= 0 or b <= 0:
        return cum[i] + rest * (a + b) / 2
    k = math.log(b / a) / h
    part = rest * a if abs(k * rest) < 1e-9 else a * math.expm1(k * rest) / k
    return cum[i] + part


def _inverse(xs: list[float], cum: list[float], values: list[float], h: float, y: float) -> float:
    """The t where `_at` reaches y (bisection within the step found)."""
    evens = cum[::2]
    j = bisect_left(evens, y)
    if j >= len(evens):
        return xs[-1]
    a, b = xs[max(0, 2 * j - 2)], xs[min(2 * j, len(xs) - 1)]
    for _ in range(50):
        m = (a + b) / 2
        if _at(xs, cum, values, h, m) < y:
            a = m
        else:
            b = m
    return (a + b) / 2

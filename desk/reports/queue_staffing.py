"""The secretaries a half hour needs, on the queue model (`desk.reports.queue_model`).

Which model a piece of advice uses follows from the client's maximum wait and the
patience measured (docs/activity.md, "Forecast and staffing"):

- a maximum wait (`clients.queue_max_wait_seconds` > 0): callers wait in the queue up to
  it, then go to voicemail, and hang up meanwhile after the patience measured (Erlang A
  with a deadline; nobody hangs up while too few hung up to measure it);
- maximum 0, the client form's "no queue": whoever finds every secretary busy goes to
  voicemail at once (Erlang B: the deadline is 0);
- no maximum at all (None: a figure asked for without a client): Erlang A with the
  patience measured, Erlang C without one.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from desk.base.errors import DomainError
from desk.reports.erlang import MAX_AGENTS, _check, traffic
from desk.reports.queue_model import QueuePrediction, predict


class Model(enum.StrEnum):
    ERLANG_C = "erlang-c"  # no maximum wait, no patience measured
    ERLANG_A = "erlang-a"  # no maximum wait, the patience measured
    QUEUE = "queue"  # the maximum wait, then voicemail (and the patience, if measured)
    NO_QUEUE = "no-queue"  # voicemail at once when all are busy (Erlang B)


@dataclass(frozen=True)
class Setup:
    """What a staffing figure assumes of the callers."""

    patience_seconds: float | None  # measured from hang-ups; None: too few to tell
    max_wait_seconds: float | None  # None: no maximum; 0: no queue

    @property
    def model(self) -> Model:
        if self.max_wait_seconds is None:
            return Model.ERLANG_C if self.patience_seconds is None else Model.ERLANG_A
        return Model.QUEUE if self.max_wait_seconds > 0 else Model.NO_QUEUE


@dataclass(frozen=True)
class Needed:
    agents: int
    prediction: QueuePrediction  # with `agents` on duty


def needed(
    calls_per_hour: float,
    aht_seconds: float,
    setup: Setup,
    target: float = 0.8,
    within_seconds: float = 20,
) -> Needed:
    """The fewest secretaries answering `target` of all callers within `within_seconds`.

    The service level grows with the secretaries, so they are found by bisection from a
    floor (each answers at most her share of the traffic: N >= target x A): a dozen
    predictions at most, whatever the load."""
    _check(calls_per_hour, aht_seconds, target, within_seconds)

    def at(agents: int) -> QueuePrediction:
        return predict(
            calls_per_hour,
            aht_seconds,
            agents,
            setup.patience_seconds,
            setup.max_wait_seconds,
            within_seconds,
        )

    erlangs = traffic(calls_per_hour, aht_seconds)
    if erlangs == 0:
        return Needed(0, at(0))
    low = max(1, math.floor(target * erlangs))
    high = low
    found = at(high)
    while found.service_level < target:
        low = high + 1
        high *= 2
        if high >= MAX_AGENTS * 2:
            raise DomainError("staffing_too_many", "calls_per_hour", most=MAX_AGENTS)
        found = at(high)
    while low < high:  # the fewest in [low, high] meeting the target; `found` is at high
        middle = (low + high) // 2
        tried = at(middle)
        if tried.service_level >= target:
            high, found = middle, tried
        else:
            low = middle + 1
    if high > MAX_AGENTS:
        raise DomainError("staffing_too_many", "calls_per_hour", most=MAX_AGENTS)
    return Needed(high, found)

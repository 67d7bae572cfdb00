"""What a rehearsal found, beside what Erlang A predicts for the same load.

Waits are the time a caller was held in the queue before a secretary took her call (0
when one was rung at once), the quantity Erlang A predicts: the greeting and the ringing
are the same for every caller and are not counted. The prediction is given as calls (its
shares of the rehearsal's number of calls) so the two columns read alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from babel.numbers import format_decimal, format_percent

from desk.base.words import N_
from desk.rehearsal.lines import Line, Outcome
from desk.reports.queue_model import QueuePrediction, predict

WITHIN_SECONDS = 20


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


@dataclass(frozen=True)
class Tally:
    calls: int
    answered: int
    abandoned: int
    voicemails: int
    callbacks: int
    other: int
    wait_p50_seconds: float | None
    wait_p90_seconds: float | None
    within_share: float | None  # answered within WITHIN_SECONDS, of all calls

    @classmethod
    def of(cls, lines: Iterable[Line]) -> Tally:
        found = list(lines)
        count = {o: sum(1 for line in found if line.outcome == o) for o in Outcome}
        waits = [line.held_seconds for line in found if line.outcome == Outcome.ANSWERED]
        within = sum(1 for w in waits if w <= WITHIN_SECONDS)
        return cls(
            calls=len(found),
            answered=count[Outcome.ANSWERED],
            abandoned=count[Outcome.ABANDONED],
            voicemails=count[Outcome.VOICEMAIL],
            callbacks=count[Outcome.CALLBACK],
            other=count[Outcome.OTHER],
            wait_p50_seconds=_round(percentile(waits, 0.5)),
            wait_p90_seconds=_round(percentile(waits, 0.9)),
            within_share=round(within / len(found), 4) if found else None,
        )


@dataclass(frozen=True)
class Forecast:
    """Erlang A's prediction for the load, as calls out of the rehearsal's."""

    agents: int
    answered: float
    abandoned: float
    voicemails: float  # held past the client's maximum wait (or nobody free, no queue)
    wait_p50_seconds: float | None
    wait_p90_seconds: float | None
    within_share: float

    @classmethod
    def of(cls, model: QueuePrediction, calls: int) -> Forecast:
        return cls(
            agents=model.agents,
            answered=round(model.answered * calls, 1),
            abandoned=round(model.abandoned * calls, 1),
            voicemails=round(model.timed_out * calls, 1),
            wait_p50_seconds=_round(model.wait_p50_seconds),
            wait_p90_seconds=_round(model.wait_p90_seconds),
            within_share=round(model.service_level, 4),
        )


def forecast(
    calls: int,
    calls_per_hour: float,
    aht_seconds: float,
    agents: int,
    patience_seconds: float,
    max_wait_seconds: float,
) -> Forecast:
    model = predict(
        calls_per_hour,
        aht_seconds,
        agents,
        patience_seconds,
        max_wait_seconds,
        within_seconds=WITHIN_SECONDS,
    )
    return Forecast.of(model, calls)


@dataclass(frozen=True)
class RushReport:
    """A rehearsal: its load and team, what happened, and the prediction beside it."""

    client: str
    at: datetime
    minutes: float
    calls_per_hour: float
    talk_seconds: float
    wrap_up_seconds: int
    patience_seconds: float
    max_wait_seconds: int
    queue: bool
    team: tuple[str, ...]
    seed: int
    rehearsal: Tally
    prediction: Forecast
    overlaps: int

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        data["team"] = list(self.team)
        return data


def _round(value: float | None) -> float | None:
    """Rounded to a tenth; None for none or an infinite wait (a queue nobody leaves)."""
    return None if value is None or not math.isfinite(value) else round(value, 1)


def table(report: RushReport, locale: str) -> list[tuple[str, str, str]]:
    """(label msgid, rehearsal, prediction) rows, as the CLI and the Simulator page show
    them, figures written the `locale` way; labels are translated by whoever shows them."""
    done, model = report.rehearsal, report.prediction

    def calls(value: float) -> str:
        return format_decimal(value, "0.0", locale=locale)

    def seconds(value: float | None) -> str:
        return "–" if value is None else f"{format_decimal(value, '0', locale=locale)} s"

    def share(value: float | None) -> str:
        return "–" if value is None else format_percent(value, locale=locale)

    return [
        (N_("Calls"), str(done.calls), str(done.calls)),
        (N_("Answered"), str(done.answered), calls(model.answered)),
        (N_("Waited, median"), seconds(done.wait_p50_seconds), seconds(model.wait_p50_seconds)),
        (
            N_("Waited, 9 in 10 within"),
            seconds(done.wait_p90_seconds),
            seconds(model.wait_p90_seconds),
        ),
        (N_("Abandoned"), str(done.abandoned), calls(model.abandoned)),
        (N_("Voicemails"), str(done.voicemails), calls(model.voicemails)),
        (N_("Callbacks"), str(done.callbacks), "–"),
        (N_("Answered within 20 s"), share(done.within_share), share(model.within_share)),
    ]

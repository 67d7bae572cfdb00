"""Each desk number's client and coverage rules for the day, kept while the version stands.

The first webhook of a call looked its client up by number with its coverage windows
and closures: a statement and the Python to read it, on every call, for rows that
change a few times a month. The lookup (`desk.calls.incoming.lookup`) keeps what it
found here with the `rota_version` it read in the same statement (migration 0016 moves
the counter on desk numbers, coverage windows, closures and the client columns routing
reads); a later call on that number and UTC day decides from what is kept, and its
insert checks that the counter still stands (`desk.calls.incoming.insert_kept_call`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine

from desk.base.kept import Kept
from desk.models import Client
from desk.rota.coverage import CoverageRules

KEPT_NUMBERS = 4096  # numbers and days kept per process


@dataclass(frozen=True)
class NumberDay:
    """A desk number's client (a detached snapshot, never added to a session) and its
    covered intervals on one UTC day."""

    client: Client
    covered: tuple[tuple[datetime, datetime], ...]

    @classmethod
    def of(cls, client: Client, rules: CoverageRules, at: datetime) -> NumberDay:
        """`rules` must hold for the UTC day of `at` (its closures two days either side)."""
        start = datetime.combine(_day(at), time(), UTC)
        return cls(client, tuple(rules.intervals(start, start + timedelta(days=1))))

    def is_covered(self, at: datetime) -> bool:
        """`CoverageRules.at(at).covered`, for `at` on this UTC day."""
        return any(s <= at < e for s, e in self.covered)


_kept: Kept[tuple[str, date], int, NumberDay] = Kept(KEPT_NUMBERS)


def _day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def keep(engine: Engine, number: str, at: datetime, version: int, found: NumberDay) -> None:
    """Keep what was read of `number` at `version` for the UTC day of `at`."""
    _kept.put(engine, (number, _day(at)), version, found)


def kept(engine: Engine, number: str, at: datetime) -> tuple[int, NumberDay] | None:
    """(version, client and rules) kept for `number` on the UTC day of `at`, or None."""
    return _kept.get(engine, (number, _day(at)))

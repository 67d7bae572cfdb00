"""The lunch-rush rehearsal against Erlang A, for three loads on the demo desk.

The demo desk (Claire, Sophie and Inès on the lunch rota, a 180 s maximum wait) in a
temporary SQLite database; each load is rehearsed over 110 minutes of a weekday lunch
(`desk.rehearsal.run`, the real webhooks, virtual time) with a few seeds, and printed beside
`desk.reports.queue_model.predict` for the same calls an hour, talk + wrap-up, secretaries,
patience and maximum wait. Shares are of all calls; waits are the answered callers' time
held in the queue. The rehearsal starts with an empty queue and stops taking calls after
110 minutes: the model is the steady state, so a few points apart is expected, more under
overload. Wall time per rehearsed call is printed for information.
"""

from __future__ import annotations

import statistics
import tempfile
import time as clock
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from desk.app import scratch_stage
from desk.base.config import load_settings
from desk.base.db import Database
from desk.demo import load_demo
from desk.migrations import upgrade
from desk.rehearsal.run import RushRequest, rehearse
from desk.rehearsal.tally import RushReport

PARIS = ZoneInfo("Europe/Paris")
LUNCH = datetime(2027, 3, 30, 12, 0, tzinfo=PARIS)  # a Tuesday
MINUTES = 110
TALK = 180
PATIENCE = 120
SEEDS = (1, 2, 3)
# name, calls an hour (3 secretaries, 200 s a call: 54 an hour is their full capacity)
LOADS = (("light", 30), ("busy", 50), ("overloaded", 80))


def _rehearse(db: Database, settings: object, per_hour: int, seed: int) -> RushReport:
    request = RushRequest(
        client="cabinet-du-parc",
        calls=round(per_hour * MINUTES / 60),
        minutes=MINUTES,
        talk=TALK,
        patience=PATIENCE,
        secretaries=("Claire", "Sophie", "Inès"),
        at=LUNCH,
        seed=seed,
    )
    return rehearse(db, settings, request, scratch_stage, LUNCH).report  # type: ignore[arg-type]


def _share(values: list[float]) -> str:
    return f"{statistics.fmean(values):6.1%}"


def _wait(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{statistics.fmean(known):5.0f} s" if known else "    – "


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-rush-") as folder:
        settings = load_settings(
            environ={"DESK_CONFIG": str(Path(folder) / "none.toml")},
            overrides={
                "server": {"instance_path": str(Path(folder) / "instance")},
                "database": {"url": f"sqlite:///{Path(folder) / 'desk.sqlite3'}"},
                "scheduler": {"enabled": False},
            },
        )
        db = Database(settings["database.url"])
        upgrade(db.engine)
        with db.session() as session:
            load_demo(session, settings, LUNCH)
        header = (
            f"{'load':<11}{'calls/h':>8}  {'':<10}{'answered':>9}{'abandoned':>10}"
            f"{'voicemail':>10}{'wait p50':>9}{'wait p90':>9}{'in 20 s':>8}"
        )
        print(header)
        for name, per_hour in LOADS:
            reports, started = [], clock.perf_counter()
            for seed in SEEDS:
                reports.append(_rehearse(db, settings, per_hour, seed))
            spent = clock.perf_counter() - started
            calls = sum(r.rehearsal.calls for r in reports)
            done = [r.rehearsal for r in reports]
            model = reports[0].prediction
            n = done[0].calls
            print(
                f"{name:<11}{per_hour:>8}  {'rehearsal':<10}"
                f"{_share([d.answered / d.calls for d in done]):>9}"
                f"{_share([d.abandoned / d.calls for d in done]):>10}"
                f"{_share([d.voicemails / d.calls for d in done]):>10}"
                f"{_wait([d.wait_p50_seconds for d in done]):>9}"
                f"{_wait([d.wait_p90_seconds for d in done]):>9}"
                f"{_share([d.within_share or 0.0 for d in done]):>8}"
            )
            print(
                f"{'':<11}{'':>8}  {'Erlang A':<10}"
                f"{_share([model.answered / n]):>9}"
                f"{_share([model.abandoned / n]):>10}"
                f"{_share([model.voicemails / n]):>10}"
                f"{_wait([model.wait_p50_seconds]):>9}"
                f"{_wait([model.wait_p90_seconds]):>9}"
                f"{_share([model.within_share]):>8}"
            )
            print(
                f"{'':<21}({len(SEEDS)} seeds, {calls} calls, "
                f"{spent / calls * 1000:.0f} ms a rehearsed call)"
            )
        db.dispose()

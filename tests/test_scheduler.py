"""The scheduler process: one leader among several, failover, the heartbeat /readyz reports."""

from __future__ import annotations

import pickle
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from flask.testing import FlaskClient
from sqlalchemy import MetaData, Table, event, select, update
from sqlalchemy.exc import OperationalError

from desk.base.config import Settings, load_settings
from desk.base.db import Database
from desk.jobs import JOBS, JobContext
from desk.jobs.heartbeat import beat
from desk.jobs.runtime import DeskScheduler
from desk.models import SchedulerHeartbeat
from tests.conftest import test_overrides
from tests.helpers.waiting import wait_for

HEARTBEAT = [job for job in JOBS if job.id == "heartbeat"]


@pytest.fixture
def schedulers(settings: Settings, db: Database) -> Iterator[list[DeskScheduler]]:
    """Two scheduler processes' worth of schedulers on one database, stopped at the end."""
    made = [DeskScheduler(settings, db, poll_seconds=0.1, jobs=HEARTBEAT) for _ in range(2)]
    yield made
    for scheduler in made:
        scheduler.shutdown()


def leaders(schedulers: list[DeskScheduler]) -> list[DeskScheduler]:
    return [s for s in schedulers if s.is_leader]


def test_two_schedulers_on_one_database_elect_exactly_one_leader(
    schedulers: list[DeskScheduler],
) -> None:
    for scheduler in schedulers:
        scheduler.start()
    assert wait_for(lambda: len(leaders(schedulers)) == 1)
    time.sleep(0.5)  # several election rounds: the other one must still be waiting
    assert len(leaders(schedulers)) == 1


def test_when_the_leader_shuts_down_the_other_takes_over(
    schedulers: list[DeskScheduler],
) -> None:
    for scheduler in schedulers:
        scheduler.start()
    assert wait_for(lambda: len(leaders(schedulers)) == 1)
    first = leaders(schedulers)[0]
    other = next(s for s in schedulers if s is not first)
    first.shutdown()
    assert not first.is_leader
    assert wait_for(lambda: other.is_leader)


def test_the_heartbeat_runs_at_once_and_readyz_reports_it(
    schedulers: list[DeskScheduler], client: FlaskClient, db: Database
) -> None:
    before = client.get("/readyz").json
    assert before["scheduler_heartbeat"] is None
    assert before["scheduler_stale"] is True

    leader = schedulers[0].start()

    def beat_recorded() -> bool:
        with db.session() as s:
            return s.get(SchedulerHeartbeat, leader.node) is not None

    assert wait_for(beat_recorded)
    after = client.get("/readyz").json
    assert after["status"] == "ok"
    assert after["scheduler_heartbeat"] is not None
    assert after["scheduler_stale"] is False


def test_a_new_leader_marks_the_old_one_as_no_longer_leading(
    schedulers: list[DeskScheduler], db: Database
) -> None:
    first, second = schedulers
    first.start()

    def beats() -> dict[str, bool]:
        with db.session() as s:
            rows = s.scalars(select(SchedulerHeartbeat)).all()
            return {row.node: row.is_leader for row in rows}

    assert wait_for(lambda: beats().get(first.node) is True)
    first.shutdown()
    second.start()
    assert wait_for(lambda: beats() == {first.node: False, second.node: True})


def test_the_scheduler_logs_leadership_and_every_job_run_with_its_counts(
    schedulers: list[DeskScheduler], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="desk.jobs.runtime")
    leader = schedulers[0].start()
    assert wait_for(lambda: "job=heartbeat" in caplog.text)
    leader.shutdown()
    lines = [r.getMessage() for r in caplog.records if r.name == "desk.jobs.runtime"]
    assert f"event=leader_acquired node={leader.node}" in lines
    run = next(line for line in lines if line.startswith("event=job_run job=heartbeat"))
    assert "status=ok" in run and "beats=1" in run
    assert f"event=scheduler_stopped node={leader.node}" in lines


def test_a_job_store_left_by_an_older_version_is_taken_over(
    schedulers: list[DeskScheduler], db: Database
) -> None:
    """Older versions stored other references (`scheduling.jobs:beat`, no arguments)."""
    old = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(engine=db.engine)})
    old.start(paused=True)
    old.add_job("desk.jobs.heartbeat:beat", "interval", args=(None,), seconds=3600, id="heartbeat")
    old.shutdown(wait=False)
    table = Table("apscheduler_jobs", MetaData(), autoload_with=db.engine)
    with db.engine.begin() as conn:
        state = pickle.loads(conn.execute(select(table.c.job_state)).scalar_one())
        state.update(func="scheduling.jobs:beat", args=())
        conn.execute(update(table).values(job_state=pickle.dumps(state)))

    leader = schedulers[0].start()

    def beat_recorded() -> bool:
        with db.session() as s:
            return s.get(SchedulerHeartbeat, leader.node) is not None

    assert wait_for(beat_recorded)
    with db.engine.connect() as conn:
        state = pickle.loads(conn.execute(select(table.c.job_state)).scalar_one())
    assert state["func"] == "desk.jobs.runtime:run_job"
    assert state["args"] == ("desk.jobs.heartbeat:beat", leader.node)


def test_a_job_runs_with_the_context_it_is_given(settings: Settings, db: Database) -> None:
    at = datetime(2027, 3, 30, 10, 41, tzinfo=UTC)
    beat(JobContext(settings, db, "node-a", clock=lambda: at))
    with db.session() as s:
        row = s.get(SchedulerHeartbeat, "node-a")
        assert row is not None and row.ran_at == at and row.is_leader


@pytest.mark.parametrize(
    "statement",
    ["UPDATE apscheduler_jobs", "SELECT apscheduler_jobs.next_run_time"],
    ids=["storing-the-next-run", "reading-the-next-wake-up"],
)
def test_a_connection_lost_in_the_job_store_does_not_stop_the_jobs(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture, statement: str
) -> None:
    """APScheduler 3 let these two errors end its thread while the lock stayed held."""
    settings = load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
        overrides=test_overrides(db.url, tmp_path / "instance", scheduler={"heartbeat_seconds": 1}),
    )
    failed: list[str] = []

    def lose_the_connection_once(*args: Any) -> None:
        sql, parameters = args[2], args[3]
        if sql.startswith(statement) and not failed:
            failed.append(sql)
            raise OperationalError(sql, parameters, ConnectionError("server closed the connection"))

    caplog.set_level("INFO", logger="desk.jobs")
    event.listen(db.engine, "before_cursor_execute", lose_the_connection_once)
    scheduler = DeskScheduler(settings, db, poll_seconds=0.2, jobs=HEARTBEAT)
    try:
        scheduler.start()

        def beats_after_the_failure() -> int:
            lines = [r.getMessage() for r in caplog.records]
            if not any("event=job_store_error" in line for line in lines):
                return 0
            after = lines[next(i for i, x in enumerate(lines) if "job_store_error" in x) :]
            return sum(1 for x in after if x.startswith("event=job_run job=heartbeat"))

        assert wait_for(lambda: beats_after_the_failure() >= 2, 10)
    finally:
        event.remove(db.engine, "before_cursor_execute", lose_the_connection_once)
        scheduler.shutdown()
    assert len(failed) == 1
    assert scheduler.scheduler is None  # stopped by shutdown, not by the error

"""Background jobs under `desk run` share SQLite with the web and the outbox: another
connection writing while a job runs must not fail the job with "database is locked" (a
read snapshot cannot become a write one after another's commit); each waits its turn."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from desk.base.config import Settings
from desk.base.db import Database
from desk.jobs import JobContext
from desk.jobs.digest import send_digests
from desk.jobs.housekeeping import gap_alerts
from desk.jobs.reports import monthly
from desk.messages.intake import take_message
from desk.models import Absence, Contact, MonthlyReport, Outbox, SchedulerHeartbeat
from tests.conftest import demo_id
from tests.helpers.routing import paris, secretary

MONDAY_MORNING = datetime(2027, 3, 29, 6, 0, tzinfo=UTC)  # as in test_housekeeping


@contextmanager
def another_worker_writes_after_the_first_read(db: Database) -> Iterator[list[str]]:
    """While the block runs: right after the first SELECT of any connection, another
    worker (a webhook, the outbox thread), in a thread of its own, writes and commits; it
    is given a second to do so before the job goes on. Yields what became of its write."""
    done: list[str] = []
    workers: list[threading.Thread] = []

    def write() -> None:
        try:
            with db.engine.connect() as other:
                beat = insert(SchedulerHeartbeat).values(node="web:1", ran_at=MONDAY_MORNING)
                other.execute(beat)
                other.commit()
            done.append("committed")
        except Exception as error:  # what the test reports
            done.append(repr(error))

    def after(conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if workers or not sql.lstrip().upper().startswith("SELECT"):
            return
        worker = threading.Thread(target=write)
        workers.append(worker)
        worker.start()
        worker.join(timeout=1)  # a job holding the write lock makes it wait

    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield done
    finally:
        event.remove(db.engine, "after_cursor_execute", after)
        for worker in workers:
            worker.join(timeout=30)


def _gap(db: Database) -> datetime:
    with db.session() as s:
        for name in ("Claire", "Sophie"):
            s.add(
                Absence(
                    secretary_id=secretary(s, name).id,
                    starts_at=paris(2027, 3, 31, 13, 15),
                    ends_at=paris(2027, 3, 31, 15),
                )
            )
    return MONDAY_MORNING


def _month(db: Database) -> datetime:
    with db.session() as s:
        s.add(Contact(client_id=demo_id(s), name="Accueil", email="accueil@parc.test"))
    # The demo was added today: last month's report is due 40 days on.
    return datetime.now(UTC) + timedelta(days=40)


def _digest(db: Database) -> datetime:
    noon = paris(2027, 3, 30, 12, 30)  # Tuesday: the 12:00-14:00 window
    with db.session() as s:
        s.add(Contact(client_id=demo_id(s), name="Accueil", email="accueil@parc.test"))
        s.flush()
        take_message(s, client_id=demo_id(s), body="Rappeler Mme Petit", now=noon)
    return paris(2027, 3, 30, 14, 5)


def _queued(session: Session, kind: str) -> int:
    return session.scalar(select(func.count()).where(Outbox.kind == kind)) or 0


JOBS: dict[str, tuple[Callable[..., Any], Callable[[Database], datetime], Any]] = {
    "gap-alerts": (gap_alerts, _gap, lambda s: _queued(s, "gap-alert")),
    "monthly-reports": (
        monthly,
        _month,
        lambda s: s.scalar(select(func.count()).select_from(MonthlyReport)),
    ),
    "digest": (send_digests, _digest, lambda s: _queued(s, "digest")),
}


@pytest.mark.parametrize("job", list(JOBS))
def test_a_job_and_a_writer_beside_it_both_get_through(
    job: str, db: Database, demo: str, settings: Settings
) -> None:
    run, seed, written = JOBS[job]
    at = seed(db)
    context = JobContext(settings, db, "test:1", clock=lambda: at)
    with another_worker_writes_after_the_first_read(db) as done:
        run(context)
    assert done == ["committed"]  # the other worker's write too, after the job's
    with db.session() as s:
        assert written(s) >= 1

"""The dispatcher: claims, restarts, races, opt-outs, and the after-commit kick."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desk.base.clock import system_now
from desk.base.config import Settings
from desk.base.db import Database
from desk.jobs import JOBS, JobContext
from desk.models import OptOut, Outbox
from desk.outbox.channels import SmsSender
from desk.outbox.channels.sms import ConsoleSms
from desk.outbox.dispatch import BackgroundDispatcher, Dispatcher
from desk.outbox.queue import WAKE, enqueue
from tests.helpers.messages import make_settings
from tests.helpers.waiting import wait_for


class RecordingSms(SmsSender):
    """Records every send; can ask its dispatcher to stop after `stop_after` sends."""

    def __init__(self, stop: threading.Event | None = None, stop_after: int = 0) -> None:
        self.sent: list[str] = []
        self.lock = threading.Lock()
        self.stop = stop
        self.stop_after = stop_after

    def send(self, to: str, body: str, *, status_callback: str | None = None) -> str:
        time.sleep(0.002)  # let racing dispatchers interleave
        with self.lock:
            self.sent.append(body)
            n = len(self.sent)
        if self.stop is not None and n == self.stop_after:
            self.stop.set()
        return f"SM{n:032d}"


def fill(db: Database, count: int) -> None:
    with db.session() as session:
        for i in range(count):
            enqueue(session, channel="sms", recipient="+33612000009", body=f"n{i}", kind="test")


def states(db: Database) -> Counter[str]:
    with db.session() as session:
        return Counter(session.scalars(select(Outbox.state)))


@pytest.fixture
def settings_(db: Database, tmp_path: Path) -> Settings:
    return make_settings(db, tmp_path)


def test_a_dispatcher_stopped_mid_batch_and_started_again_sends_each_row_once(
    db: Database, settings_: Settings
) -> None:
    fill(db, 10)
    stop = threading.Event()
    first = RecordingSms(stop=stop, stop_after=4)
    assert Dispatcher(db, settings_, node="a", sms=first).run(stop=stop).sent == 4
    assert states(db) == Counter({"sent": 4, "pending": 6})
    second = RecordingSms()
    Dispatcher(db, settings_, node="b", sms=second).run()
    assert sorted(first.sent + second.sent) == sorted(f"n{i}" for i in range(10))
    assert states(db) == Counter({"sent": 10})


def test_a_claim_left_by_a_crashed_dispatcher_is_taken_again_after_the_timeout(
    db: Database, settings_: Settings
) -> None:
    fill(db, 3)
    crashed = Dispatcher(db, settings_, node="crashed", sms=RecordingSms())
    claim = crashed.claim_one()  # ...and the process dies before sending
    assert claim is not None
    later = system_now() + timedelta(seconds=1)
    survivor_sms = RecordingSms()
    survivor = Dispatcher(db, settings_, node="survivor", sms=survivor_sms, clock=lambda: later)
    assert survivor.run().sent == 2  # the claimed row is not stale yet
    timeout = settings_["scheduler.outbox_claim_timeout_seconds"]
    much_later = later + timedelta(seconds=timeout + 1)
    survivor.clock = lambda: much_later
    assert survivor.run().sent == 1
    assert sorted(survivor_sms.sent) == ["n0", "n1", "n2"]
    # The crashed dispatcher coming back cannot overwrite the survivor's outcome.
    crashed._sent(claim, "SM-late")
    with db.session() as session:
        row = session.get(Outbox, claim.id)
        assert row is not None
        assert (row.state, row.attempts) == ("sent", 2)
        assert row.provider_id != "SM-late"


def test_racing_dispatchers_send_every_row_exactly_once(db: Database, settings_: Settings) -> None:
    fill(db, 40)
    sms = RecordingSms()
    errors: list[BaseException] = []

    def work(node: str) -> None:
        try:
            Dispatcher(db, settings_, node=node, sms=sms).run()
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"d{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(sms.sent) == sorted(f"n{i}" for i in range(40))
    assert states(db) == Counter({"sent": 40})


def test_an_opted_out_number_is_skipped_and_nothing_is_sent(
    db: Database, settings_: Settings
) -> None:
    with db.session() as session:
        session.add(OptOut(number="+33612000009", keyword="STOP"))
    fill(db, 1)
    with db.session() as session:
        enqueue(session, channel="sms", recipient="+33612000010", body="other", kind="test")
    sms = RecordingSms()
    result = Dispatcher(db, settings_, node="a", sms=sms).run()
    assert (result.sent, result.skipped) == (1, 1)
    assert sms.sent == ["other"]
    assert states(db) == Counter({"sent": 1, "skipped": 1})


def test_enqueueing_wakes_the_dispatcher_after_commit_but_not_after_rollback(
    db: Database,
) -> None:
    waker = threading.Event()
    WAKE.register(waker)
    try:
        with db.Session() as session:
            enqueue(session, channel="sms", recipient="+33612000009", body="x", kind="test")
            session.rollback()
            session.commit()
        assert not waker.is_set()
        with db.session() as session:
            enqueue(session, channel="sms", recipient="+33612000009", body="x", kind="test")
            assert not waker.is_set()  # not before the row is committed
        assert waker.is_set()
    finally:
        WAKE.unregister(waker)
    WAKE.kick()  # with no dispatcher running: harmless


def test_the_background_dispatcher_sends_right_after_commit(
    db: Database, settings_: Settings
) -> None:
    background = BackgroundDispatcher(db, settings_).start()
    try:
        with db.session() as session:
            enqueue(session, channel="sms", recipient="+33612000009", body="vite", kind="test")
        wait_for(lambda: states(db) == Counter({"sent": 1}))
    finally:
        background.stop()
    assert states(db) == Counter({"sent": 1})  # well before outbox_seconds (15 s)
    assert ConsoleSms.sent[-1].body == "vite"


def test_the_scheduler_runs_the_outbox_job(db: Database, settings_: Settings) -> None:
    assert {"outbox", "digest"} <= {job.id for job in JOBS}
    fill(db, 2)
    from desk.jobs.outbox import dispatch

    dispatch(JobContext(settings_, db, "node"))
    assert states(db) == Counter({"sent": 2})

"""Fault injection on PostgreSQL: backends killed under traffic, a database that refuses."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from desk.base.config import Settings, load_settings
from desk.base.db import Database
from desk.jobs import JOBS
from desk.jobs.runtime import DeskScheduler
from desk.models import Outbox
from desk.outbox.channels.sms import ConsoleSms
from desk.outbox.queue import enqueue
from tests.conftest import BACKENDS, test_overrides
from tests.helpers.database import empty
from tests.helpers.waiting import wait_for

pytestmark = pytest.mark.skipif(
    "postgresql" not in BACKENDS, reason="PostgreSQL fault injection needs DESK_TEST_DATABASE_URL"
)

JOBS_UNDER_TEST = [job for job in JOBS if job.id in ("heartbeat", "outbox")]


@pytest.fixture
def pg(_databases: dict[str, Database]) -> Iterator[Database]:
    database = _databases["postgresql"]
    empty(database)
    yield database


def fast_settings(db: Database, tmp_path: Path) -> Settings:
    return load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
        overrides=test_overrides(
            db.url,
            tmp_path / "instance",
            scheduler={"outbox_seconds": 1, "heartbeat_seconds": 1},
        ),
    )


def terminate_others(db: Database, pid: int | None = None) -> int:
    """End every other session on the test database (or the one of `pid`), as a server
    restart would, and wait until they are gone."""
    admin = create_engine(make_url(db.url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        " AND (CAST(:pid AS integer) IS NULL OR pid = :pid)"
                    ),
                    {"pid": pid},
                ).all()
            )
    finally:
        admin.dispose()


def last_statement(db: Database, pid: int) -> str:
    """What the server last ran for the session of `pid` (pg_stat_activity)."""
    admin = create_engine(make_url(db.url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            query = text("SELECT query FROM pg_stat_activity WHERE pid = :pid")
            return str(conn.scalar(query, {"pid": pid}))
    finally:
        admin.dispose()


def test_a_pooled_connection_is_pinged_only_when_idle_or_told_something(
    pg: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Used a moment ago and quiet: handed out without a round trip. Idle for longer than
    PING_AFTER_IDLE_SECONDS: pinged first. Ended by the server: replaced, no error."""
    from desk.base import db as db_module

    database = Database(pg.url)
    try:
        with database.engine.connect() as conn:
            pid = conn.scalar(text("SELECT pg_backend_pid()"))
        assert last_statement(pg, pid) == "ROLLBACK"  # the pool's reset on return

        with database.engine.connect() as conn:  # back in the pool a moment ago: no ping
            assert last_statement(pg, pid) == "ROLLBACK"
            assert conn.scalar(text("SELECT pg_backend_pid()")) == pid

        monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.0)
        with database.engine.connect() as conn:  # idle "too long": pinged before use
            assert last_statement(pg, pid) == ";"
        monkeypatch.undo()

        assert terminate_others(pg, pid) == 1
        with database.engine.connect() as conn:  # the server ended it: a new one
            assert conn.scalar(text("SELECT pg_backend_pid()")) != pid
    finally:
        database.dispose()


def queue_sms(db: Database, first: int, count: int) -> list[str]:
    bodies = [f"fault-test message {n}" for n in range(first, first + count)]
    with db.session() as session:
        for body in bodies:
            enqueue(session, channel="sms", recipient="+33612345678", body=body, kind="test")
    return bodies


def test_backends_killed_under_traffic_a_leader_takes_over_and_the_outbox_drains_once(
    pg: Database, tmp_path: Path
) -> None:
    settings = fast_settings(pg, tmp_path)
    # Two scheduler processes' worth, each with its own engine, as in production.
    dbs = [Database(pg.url) for _ in range(2)]
    schedulers = [DeskScheduler(settings, d, poll_seconds=0.2, jobs=JOBS_UNDER_TEST) for d in dbs]
    ConsoleSms.sent.clear()
    try:
        for scheduler in schedulers:
            scheduler.start()
        assert wait_for(lambda: sum(s.is_leader for s in schedulers) == 1, 10)
        bodies = queue_sms(pg, 0, 10)
        for round_ in range(3):
            time.sleep(0.7)
            terminate_others(pg)
            bodies += queue_sms(pg, 100 * (round_ + 1), 10)

        def drained() -> bool:
            with pg.session() as session:
                states = session.scalars(select(Outbox.state)).all()
            return len(states) == len(bodies) and set(states) == {"sent"}

        # Within seconds a leader runs the jobs again and everything is sent.
        assert wait_for(drained, 30), "the outbox did not drain after the backends died"
        # A leader whose lock died steps down once its running job has ended (it may
        # still be finishing one, under load, as the other takes over).
        assert wait_for(lambda: sum(s.is_leader for s in schedulers) == 1, 10)
        sent = [record.body for record in ConsoleSms.sent if record.body in bodies]
        assert sorted(sent) == sorted(bodies)  # each exactly once
    finally:
        for scheduler in schedulers:
            scheduler.shutdown()
        for d in dbs:
            d.dispose()


def test_a_standby_whose_connections_died_still_takes_the_lead(
    pg: Database, tmp_path: Path
) -> None:
    settings = fast_settings(pg, tmp_path)
    dbs = [Database(pg.url) for _ in range(2)]
    first = DeskScheduler(settings, dbs[0], poll_seconds=0.2, jobs=JOBS_UNDER_TEST[:1]).start()
    assert wait_for(lambda: first.is_leader, 10)
    standby = DeskScheduler(settings, dbs[1], poll_seconds=0.2, jobs=JOBS_UNDER_TEST[:1]).start()
    try:
        time.sleep(0.6)  # the standby has tried and waits
        assert not standby.is_leader
        terminate_others(pg)  # kills the standby's sessions too
        time.sleep(0.6)
        first.shutdown()
        assert wait_for(lambda: standby.is_leader, 10)
    finally:
        first.shutdown()
        standby.shutdown()
        for d in dbs:
            d.dispose()


def test_a_database_refusing_connections_gives_503_then_recovers_without_restart(
    pg: Database, tmp_path: Path
) -> None:
    import xml.etree.ElementTree as ET

    from desk.app import create_app
    from scheduling.tokens import create_api_key
    from tests.helpers.appointments import NOW, make_practice
    from tests.helpers.faults import SwitchableProxy
    from tests.helpers.twilio import fixture, signed_post

    with pg.session() as s:
        practice = make_practice(s)
        _, key = create_api_key(s, practice.client.id, "test", NOW)
    url = make_url(pg.url)
    apps: list[Flask] = []
    proxy = SwitchableProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
        settings = load_settings(
            environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
            overrides=test_overrides(through, tmp_path / "instance"),
        )
        app = create_app(settings)
        apps.append(app)
        client = app.test_client()
        auth = {"Authorization": f"Bearer {key}"}
        listing = "/api/v1/appointments?from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z"
        assert client.get(listing, headers=auth).status_code == 200

        proxy.refuse()
        down = client.get(listing, headers=auth)
        assert down.status_code == 503
        assert down.mimetype == "application/problem+json"
        assert down.headers["Retry-After"]
        sms = signed_post(client, "/webhooks/sms/incoming", fixture("sms-incoming"))
        assert sms.status_code == 503 and sms.headers["Retry-After"]
        voice = signed_post(client, "/webhooks/voice/incoming", fixture("voice-incoming-forwarded"))
        assert voice.status_code == 200
        assert ET.fromstring(voice.get_data(as_text=True)).find("Dial") is not None
        assert client.get("/readyz").status_code == 503

        proxy.accept_again()
        # No restart: the pool drops its dead connections and opens new ones.
        assert client.get(listing, headers=auth).status_code == 200
        assert client.get("/readyz").status_code == 200
    finally:
        for made in apps:
            made.extensions["desk.db"].dispose()
        proxy.close()


def test_a_new_call_after_the_server_dropped_every_connection_is_still_routed(
    pg: Database, tmp_path: Path
) -> None:
    """A pooled connection lost since its last use is found dead by its ping and
    replaced: the call is routed, not dropped."""
    from desk.app import create_app
    from desk.base.clock import system_now
    from desk.demo import load_demo
    from desk.models import Call
    from tests.conftest import pin_clock
    from tests.helpers.routing import dialled, paris, twiml
    from tests.helpers.twilio import fixture, signed_post

    settings = fast_settings(pg, tmp_path)
    with pg.session() as s:
        load_demo(s, settings, system_now())
    app = create_app(settings)
    try:
        pin_clock(app, paris(2027, 3, 30, 12, 41))
        client = app.test_client()

        def new_call(sid: str) -> list[str]:
            form = fixture("voice-incoming-forwarded", CallSid=sid)
            return dialled(twiml(signed_post(client, "/webhooks/voice/incoming", form)))

        # Each call rings the next free secretary (Claire, then Sophie, then Inès).
        assert new_call("CAbefore0000000000000000000000000") == ["+33612000001"]
        assert new_call("CAkept00000000000000000000000000000") == ["+33612000002"]
        assert terminate_others(pg) >= 1  # the app's pooled connection too
        assert new_call("CAafter00000000000000000000000000000") == ["+33612000003"]
        with pg.session() as s:
            sids = s.scalars(select(Call.call_sid).order_by(Call.id)).all()
        assert [sid[:7] for sid in sids] == ["CAbefor", "CAkept0", "CAafter"]
    finally:
        app.extensions["desk.db"].dispose()

"""Scheduling speed: availability, feed rebuild after one change, and the 304 path.

Each figure is printed beside a baseline measured in the same run on the same data:
availability against loading its rows alone; the feed from kept parts against building
it with `icalendar` in one go; the 304 against a 200 with the body.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import insert, select, update

from desk.app import create_app
from desk.base.config import load_settings
from desk.base.db import Database
from desk.migrations import upgrade
from desk.models import (
    Appointment,
    AppointmentType,
    BusyBlock,
    CalendarSource,
    Client,
    FeedToken,
    OpeningHours,
    Practitioner,
)
from desk.request_context import set_clock
from scheduling.availability import availability
from scheduling.feeds import build_feed, build_feed_full, clear_cache, feed_state

NOW = datetime(2027, 1, 4, 7, 0, tzinfo=UTC)  # a Monday


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _client(db: Database, slug: str, practitioners: int) -> tuple[int, list[int], int]:
    with db.session() as s:
        client = Client(slug=slug, name=f"Cabinet {slug}")
        s.add(client)
        s.flush()
        people = [Practitioner(client_id=client.id, name=f"Dr {n}") for n in range(practitioners)]
        kind = AppointmentType(client_id=client.id, name="Consultation", duration_minutes=20)
        s.add_all([*people, kind])
        s.flush()
        for p in people:
            for weekday in range(5):
                for a, b in ((clock_time(8), clock_time(12)), (clock_time(13), clock_time(19))):
                    s.add(
                        OpeningHours(
                            practitioner_id=p.id, weekday=weekday, start_local=a, end_local=b
                        )
                    )
        return client.id, [p.id for p in people], kind.id


def _appointments(
    db: Database, client_id: int, practitioner_ids: list[int], type_id: int, count: int
) -> None:
    rows = []
    for n in range(count):
        pid = practitioner_ids[n % len(practitioner_ids)]
        k = n // len(practitioner_ids)  # three a day per practitioner, weekdays
        day = NOW + timedelta(days=(k // 3) // 5 * 7 + (k // 3) % 5)
        start = day.replace(hour=8) + timedelta(minutes=40 * (k % 3) + 60 * (n % 7))
        rows.append(
            {
                "uid": f"{uuid.uuid4()}@bench",
                "client_id": client_id,
                "practitioner_id": pid,
                "type_id": type_id,
                "starts_at": start,
                "ends_at": start + timedelta(minutes=20),
                "blocked_until": start + timedelta(minutes=20),
                "patient_name": f"Patient Numéro{n}",
                "patient_phone": "+33612345678",
                "notes": "",
                "status": "booked",
                "source": "demo",
                "sequence": 0,
                "created_at": NOW,
                "updated_at": NOW,
                "cancel_token": uuid.uuid4().hex,
            }
        )
    with db.session() as s:
        s.execute(insert(Appointment), rows)


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        db = Database(url)
        upgrade(db.engine)
        _bench_availability(db)
        _bench_feed(db, url, tmp)
        db.dispose()


def _bench_availability(db: Database) -> None:
    client_id, people, type_id = _client(db, "five", 5)
    _appointments(db, client_id, people, type_id, 5000)
    with db.session() as s:
        source = CalendarSource(client_id=client_id, url="https://example.invalid/x.ics")
        s.add(source)
        s.flush()
        s.execute(
            insert(BusyBlock),
            [
                {
                    "source_id": source.id,
                    "client_id": client_id,
                    "practitioner_id": people[n % 5],
                    "starts_at": NOW + timedelta(hours=7 * n + 3),
                    "ends_at": NOW + timedelta(hours=7 * n + 4),
                    "summary": "",
                    "fetched_at": NOW,
                }
                for n in range(1000)
            ],
        )
    end = NOW + timedelta(weeks=4)
    with db.session() as s:

        def slots() -> object:
            return availability(
                s,
                client_id=client_id,
                practitioner_id=people[0],
                type_id=type_id,
                start=NOW,
                end=end,
                now=NOW,
            )

        def load_rows() -> object:
            a = s.execute(
                select(Appointment.starts_at, Appointment.blocked_until).where(
                    Appointment.client_id == client_id
                )
            ).all()
            b = s.execute(
                select(BusyBlock.starts_at, BusyBlock.ends_at).where(
                    BusyBlock.client_id == client_id
                )
            ).all()
            return a, b

        found = len(slots())  # type: ignore[arg-type]
        avail_ms = _median_ms(slots, 20)
        load_ms = _median_ms(load_rows, 20)
    print(
        f"availability, 4 weeks, 1 of 5 practitioners ({found} slots; 5,000 appointments, "
        f"1,000 busy blocks): {avail_ms:.1f} ms; loading all those rows: {load_ms:.1f} ms "
        f"(ratio {avail_ms / load_ms:.2f})"
    )


def _timed_ms(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return (time.perf_counter() - start) * 1000, out


def _bench_feed(db: Database, url: str, tmp: str) -> None:
    client_id, people, type_id = _client(db, "big", 1)
    _appointments(db, client_id, people, type_id, 10_000)
    with db.session() as s:
        token = FeedToken(client_id=client_id, token="bench-token", created_at=NOW)
        s.add(token)
        s.flush()
    with db.session() as s:
        state = feed_state(s, token, NOW)
        full_ms, full = _timed_ms(lambda: build_feed_full(s, token, state))
        # Rows inserted in bulk have no stored part yet: this request builds them all once.
        first_ms, stored = _timed_ms(lambda: build_feed(s, token, state))
        assert stored == full, "stored parts differ from a full build"
    clear_cache()  # a fresh worker: nothing of the feed in this process's memory
    with db.session() as s:
        fresh_ms, fresh = _timed_ms(lambda: build_feed(s, token, feed_state(s, token, NOW)))
        assert fresh == full
        warm_ms = _median_ms(lambda: build_feed(s, token, feed_state(s, token, NOW)), 5)
    with db.session() as s:
        first_id = s.scalar(select(Appointment.id).where(Appointment.client_id == client_id))
        s.execute(
            update(Appointment)
            .where(Appointment.id == first_id)
            .values(sequence=1, updated_at=NOW + timedelta(minutes=1), patient_name="Zoé Nouvelle")
        )
    with db.session() as s:
        state = feed_state(s, token, NOW)
        kept_ms, kept = _timed_ms(lambda: build_feed(s, token, state))
        assert kept == build_feed_full(s, token, state), "stored parts differ from a full build"
        assert kept != full
    print(
        f"10,000-event feed: full icalendar build {full_ms:.0f} ms; first build storing every "
        f"part {first_ms:.0f} ms (once per row); fresh process from stored parts "
        f"{fresh_ms:.1f} ms (ratio {fresh_ms / full_ms:.3f}, aim < 200 ms), warm "
        f"{warm_ms:.1f} ms; after one change {kept_ms:.1f} ms; byte-identical: yes "
        f"({len(kept):,} bytes)"  # type: ignore[arg-type]
    )
    settings = load_settings(
        environ={"DESK_CONFIG": str(Path(tmp) / "none.toml")},
        overrides={
            "server": {"secret_key": "bench", "instance_path": str(Path(tmp) / "instance")},
            "database": {"url": url},
            "scheduler": {"enabled": False},
        },
    )
    app = create_app(settings)
    set_clock(app, lambda: NOW)
    web = app.test_client()
    etag = web.get("/feeds/bench-token.ics").headers["ETag"]
    not_modified_ms = _median_ms(
        lambda: web.get("/feeds/bench-token.ics", headers={"If-None-Match": etag}), 50
    )
    ok_ms = _median_ms(lambda: web.get("/feeds/bench-token.ics"), 5)
    print(
        f"feed 304 in-process: {not_modified_ms:.2f} ms; 200 with the 10,000-event body: "
        f"{ok_ms:.1f} ms (ratio {not_modified_ms / ok_ms:.3f})"
    )
    app.extensions["desk.db"].dispose()

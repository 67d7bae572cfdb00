"""The practices' own calendars against a local Radicale (issue #22's figures).

- A booking to its event readable on the CalDAV server, the way `desk run` does it (the
  commit kicks the in-process pusher): p50 and p90 over 20 bookings, beside the floor
  measured in the same run, one PUT then GET of the same event straight to Radicale.
  Target: p50 under 2 s.
- A pull of a calendar holding 2,000 events in a 4-week window: the routine pull
  (sync-collection: nothing changed), beside Radicale's own sync REPORT alone; and a full
  read (calendar-query), first (Radicale builds its sync history once) and warm.
  Target: under 300 ms.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import select

from desk.base.config import Settings, load_settings
from desk.base.db import Database
from desk.migrations import upgrade
from desk.models import AppointmentType, CalendarConnection, Client, OpeningHours, Practitioner
from scheduling.booking import book
from scheduling.calendars import connections
from scheduling.calendars.dav import Dav, trusted_networks
from scheduling.calendars.pull import pull
from scheduling.calendars.push import BackgroundPusher
from scheduling.calendars.sealing import seal
from tests.helpers.caldav_servers import Calendar, DavServer

EVENTS = 2000


def _settings(tmp: Path, url: str) -> Settings:
    return load_settings(
        environ={"DESK_CONFIG": str(tmp / "none.toml")},
        overrides={
            "server": {"instance_path": str(tmp / "instance"), "secret_key": "bench"},
            "database": {"url": url},
            # Only the commit's kick drives the pusher: no periodic sweep helps.
            "scheduler": {"enabled": False, "outbox_seconds": 3600},
            "calendars": {"trusted_networks": ["127.0.0.0/8"]},
        },
    )


def _practice(db: Database, slug: str) -> tuple[int, int, int]:
    with db.session() as s:
        client = Client(slug=slug, name=f"Cabinet {slug}")
        s.add(client)
        s.flush()
        person = Practitioner(client_id=client.id, name="Dr Bench")
        kind = AppointmentType(client_id=client.id, name="Consultation", duration_minutes=15)
        s.add_all([person, kind])
        s.flush()
        for weekday in range(7):
            s.add(
                OpeningHours(
                    practitioner_id=person.id,
                    weekday=weekday,
                    start_local=clock_time(0),
                    end_local=clock_time(23, 45),
                )
            )
        return client.id, person.id, kind.id


def _connect(db: Database, settings: Settings, calendar: Calendar, client_id: int) -> int:
    trusted = trusted_networks(settings["calendars.trusted_networks"])
    found = connections.check(calendar.url, calendar.username, calendar.password, trusted=trusted)
    with db.session() as s:
        row = connections.add_connection(
            s,
            client_id=client_id,
            practitioner_id=None,
            found=found,
            username=calendar.username,
            sealed_password=seal(settings, calendar.password),
            now=datetime.now(UTC),
        )
        return row.id


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _event(uid: str, start: datetime) -> list[str]:
    stamp = "%Y%m%dT%H%M%SZ"
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20270101T000000Z",
        f"DTSTART:{start.strftime(stamp)}",
        f"DTEND:{(start + timedelta(minutes=15)).strftime(stamp)}",
        "SUMMARY:busy",
        "END:VEVENT",
    ]


def _bench_push(db: Database, settings: Settings, server: DavServer) -> None:
    client_id, practitioner_id, type_id = _practice(db, "push")
    calendar = server.new_calendar()
    _connect(db, settings, calendar, client_id)
    pusher = BackgroundPusher(db, settings).start()
    took: list[float] = []
    try:
        first = (datetime.now(UTC) + timedelta(days=2)).replace(
            hour=8, minute=0, second=0, microsecond=0
        )
        for n in range(20):
            started = time.perf_counter()
            with db.session() as s:
                appt = book(
                    s,
                    client_id=client_id,
                    practitioner_id=practitioner_id,
                    type_id=type_id,
                    starts_at=first + timedelta(minutes=15 * n),
                    patient_name="Marie Dupont",
                    now=datetime.now(UTC),
                )
                uid = appt.uid
            href = f"{calendar.url}{uid.replace('@', '-')}.ics"
            while server.http.get(href).status_code != 200:
                if time.perf_counter() - started > 30:
                    raise RuntimeError("an event did not arrive within 30 s")
                time.sleep(0.01)
            took.append(time.perf_counter() - started)
    finally:
        pusher.stop()
    floor: list[float] = []
    for _ in range(20):
        uid = f"{uuid.uuid4()}@floor"
        body = "\r\n".join(
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//b//EN",
                *_event(uid, first),
                "END:VCALENDAR",
                "",
            ]
        )
        started = time.perf_counter()
        href = f"{calendar.url}{uid}.ics"
        server.http.put(href, data=body.encode(), headers={"Content-Type": "text/calendar"})
        server.http.get(href)
        floor.append(time.perf_counter() - started)
    p50, floor50 = statistics.median(took), statistics.median(floor)
    print(
        f"booking -> event readable on Radicale (desk run's kick, 20 bookings): "
        f"p50 {p50 * 1000:.0f} ms, p90 {_pct(took, 0.9) * 1000:.0f} ms (target p50 < 2000 ms); "
        f"one PUT+GET straight to Radicale: {floor50 * 1000:.0f} ms (ratio {p50 / floor50:.1f})"
    )


def _bench_pull(db: Database, settings: Settings, server: DavServer) -> None:
    client_id, _, _ = _practice(db, "pull")
    calendar = server.new_calendar()
    connection_id = _connect(db, settings, calendar, client_id)
    now = datetime.now(UTC).replace(microsecond=0)
    step = timedelta(days=28) / EVENTS
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for n in range(EVENTS):
        lines += _event(f"{uuid.uuid4()}@bench", now + step * n)
    lines.append("END:VCALENDAR")
    # Radicale takes a whole calendar in one PUT on the collection.
    server.http.put(
        calendar.url, data="\r\n".join(lines).encode(), headers={"Content-Type": "text/calendar"}
    )
    ids = [connection_id]

    def timed(at: datetime) -> tuple[float, int, int]:
        started = time.perf_counter()
        result = pull(db, settings, at, connection_ids=ids)
        assert result.failed == 0, "pull failed"
        return (time.perf_counter() - started) * 1000, result.full, result.busy

    first_ms, full, busy = timed(now)
    assert full == 1 and busy == EVENTS, (full, busy)
    warm_full = [timed(now + timedelta(days=k + 1, minutes=1))[0] for k in range(3)]
    last = now + timedelta(days=4)
    routine = [timed(last + timedelta(minutes=5 * (k + 1)))[0] for k in range(7)]
    with db.session() as s:
        token = s.scalar(
            select(CalendarConnection.sync_token).where(CalendarConnection.id == connection_id)
        )
    raw: list[float] = []
    with Dav(
        calendar.url,
        calendar.username,
        calendar.password,
        trusted=trusted_networks(settings["calendars.trusted_networks"]),
    ) as dav:
        for _ in range(7):
            started = time.perf_counter()
            dav.changes(calendar.url, token or "")
            raw.append((time.perf_counter() - started) * 1000)
    routine_ms, raw_ms = statistics.median(routine), statistics.median(raw)
    print(
        f"pull, {EVENTS:,} events in 4 weeks on Radicale: routine (sync-collection, nothing "
        f"changed) {routine_ms:.0f} ms (target < 300 ms); Radicale's sync REPORT alone "
        f"{raw_ms:.0f} ms (ratio {routine_ms / raw_ms:.2f}); full read "
        f"{statistics.median(warm_full):.0f} ms warm, {first_ms:.0f} ms the very first time"
    )


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        db = Database(url)
        upgrade(db.engine)
        settings = _settings(folder, url)
        server = DavServer("radicale", folder).start()
        try:
            _bench_push(db, settings, server)
            _bench_pull(db, settings, server)
        finally:
            server.stop()
            db.dispose()

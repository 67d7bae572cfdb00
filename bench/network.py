"""A desk network of any size, for the load bench and the page statement-count test.

`seed_network(engine, clients=N)` writes, with Core inserts (SQLite and PostgreSQL alike):
N clients each with a desk number, lunch and evening coverage, a trained pair of
secretaries and an overflow partner, five shifts, a practitioner with opening hours and
a week of appointments, past calls, messages and outbox rows; 300 secretaries (a
network's size does not change with its clients); an admin and a secretary login.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from desk.base.passwords import hash_password
from desk.models import (
    Appointment,
    AppointmentType,
    Base,
    Call,
    Client,
    CoverageWindow,
    DeskNumber,
    Message,
    OpeningHours,
    Outbox,
    Practitioner,
    Secretary,
    Shift,
    Training,
    User,
)

# Tuesday 30 March 2027, 12:41 in Paris: every client is covered, its pair on duty.
LUNCH = datetime(2027, 3, 30, 10, 41, tzinfo=UTC)
ADMIN = ("admin@bench.test", "bench-password")
SECRETARY = ("secretaire@bench.test", "bench-password")
SECRETARIES, PAIRED = 300, 250  # the first 250 work in pairs, the rest are partners


@dataclass(frozen=True)
class Network:
    clients: int
    secretaries: int
    admin: tuple[str, str]
    secretary: tuple[str, str]


def desk_number(i: int) -> str:
    return f"+3319900{i:04d}"


def _past(i: int) -> datetime:
    return LUNCH - timedelta(minutes=37 * i + 5)


def seed_network(
    engine: Engine, clients: int, calls_per_client: int = 20, appointments_per_client: int = 10
) -> Network:
    """Seed an empty, migrated database; returns the logins."""
    rng = random.Random(7)
    ids = range(1, clients + 1)
    password = hash_password(ADMIN[1])
    with engine.begin() as conn:
        conn.execute(
            insert(Client),
            [{"id": i, "slug": f"client-{i}", "name": f"Cabinet {i:04d}"} for i in ids],
        )
        conn.execute(insert(DeskNumber), [{"client_id": i, "number": desk_number(i)} for i in ids])
        conn.execute(
            insert(CoverageWindow),
            [
                {"client_id": c, "weekdays": "01234", "start_local": time(s), "end_local": time(e)}
                for c in ids
                for s, e in ((12, 14), (18, 19))
            ],
        )
        conn.execute(
            insert(Secretary),
            [
                {"id": i, "name": f"Secrétaire {i:03d}", "phone": f"+336{i:08d}"}
                | {"is_partner": i > PAIRED}
                for i in range(1, SECRETARIES + 1)
            ],
        )
        trainings, shifts = [], []
        for c in ids:
            first, second = rng.sample(range(1, PAIRED + 1), 2)
            if c % 5 == 1 and second != 1:
                first = 1  # the secretary login works for one client in five
            partner = rng.randrange(PAIRED + 1, SECRETARIES + 1)
            # Every row of one executemany must name the same columns.
            trainings += [
                {"secretary_id": s, "client_id": c, "overflow_rank": None} for s in (first, second)
            ]
            trainings.append({"secretary_id": partner, "client_id": c, "overflow_rank": 1})
            for secretary_id, rank, weekdays, start, end in (
                (first, 1, "01234", 12, 14),
                (second, 2, "01234", 12, 14),
                (second, 1, "01234", 18, 19),
                (first, 2, "01234", 18, 19),
                (second, 1, "5", 8, 12),
            ):
                shifts.append(
                    {"secretary_id": secretary_id, "client_id": c, "weekdays": weekdays}
                    | {"start_local": time(start), "end_local": time(end), "rank": rank}
                )
        conn.execute(insert(Training), trainings)
        conn.execute(insert(Shift), shifts)
        conn.execute(
            insert(User),
            [
                {"email": ADMIN[0], "name": "Admin", "password_hash": password}
                | {"role": "admin", "secretary_id": None},
                {"email": SECRETARY[0], "name": "Secrétaire 001", "password_hash": password}
                | {"role": "secretary", "secretary_id": 1},
            ],
        )
        _appointments(conn, ids, appointments_per_client)
        _history(conn, ids, calls_per_client)
    _advance_sequences(engine)
    return Network(clients, SECRETARIES, ADMIN, SECRETARY)


def _appointments(conn: Any, ids: range, per_client: int) -> None:
    conn.execute(insert(Practitioner), [{"id": c, "client_id": c, "name": f"Dr {c}"} for c in ids])
    conn.execute(
        insert(AppointmentType),
        [{"id": c, "client_id": c, "name": "Consultation", "duration_minutes": 20} for c in ids],
    )
    conn.execute(
        insert(OpeningHours),
        [
            {"practitioner_id": c, "weekday": d, "start_local": time(9), "end_local": time(18)}
            for c in ids
            for d in range(5)
        ],
    )
    monday = LUNCH.replace(hour=7, minute=0) - timedelta(days=LUNCH.weekday())
    rows = []
    for c in ids:
        for n in range(per_client):
            start = monday + timedelta(days=n % 5, minutes=40 * (n // 5))
            rows.append(
                {"uid": f"bench-{c}-{n}@bench", "client_id": c, "practitioner_id": c}
                | {"type_id": c, "starts_at": start, "ends_at": start + timedelta(minutes=20)}
                | {"blocked_until": start + timedelta(minutes=20), "patient_name": f"Patient {n}"}
                | {"patient_phone": "+33612345678", "notes": "", "status": "booked"}
                | {"source": "demo", "sequence": 0, "created_at": LUNCH, "updated_at": LUNCH}
                | {"cancel_token": f"bench-cancel-{c}-{n}"}
            )
    conn.execute(insert(Appointment), rows)


def _history(conn: Any, ids: range, per_client: int) -> None:
    n = len(ids)
    conn.execute(
        insert(Call),
        [
            {"call_sid": f"CApast{i:026d}", "client_id": 1 + i % n, "to_number": desk_number(1)}
            | {"caller": "+33145678901", "started_at": _past(i), "outcome": "answered", "plan": []}
            for i in range(n * per_client)
        ],
    )
    conn.execute(
        insert(Message),
        [
            {
                "client_id": 1 + i % n,
                "caller_name": f"Appelant {i}",
                "caller_number": "+33145678901",
            }
            | {"reason": "Rappel", "body": "Merci de rappeler.", "created_at": _past(i)}
            for i in range(n * 5)
        ],
    )
    conn.execute(
        insert(Outbox),
        [
            {"channel": "sms", "recipient": "+33612345678", "body": f"Message {i}"}
            | {"state": "sent", "created_at": _past(i), "next_attempt_at": _past(i)}
            for i in range(n * 5)
        ],
    )


def _advance_sequences(engine: Engine) -> None:
    """Rows inserted with explicit ids leave PostgreSQL's sequences behind: catch them up."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            if "id" not in table.c:
                continue
            top = conn.execute(select(func.max(table.c.id))).scalar()
            if top:
                conn.execute(
                    text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                    {"t": table.name, "v": top},
                )

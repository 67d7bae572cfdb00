"""A test's database, set back to a known state in a few milliseconds.

Migrating, and loading the demo desk (password hashes, a week of bookings), take about a
second each; emptying every table with TRUNCATE took as long on PostgreSQL. So each is done
once per backend and kept as a `Snapshot`, the rows of every table and where each sequence
stands; a test starts from one of them: every table emptied with DELETE (children first),
the snapshot's rows written back as they were, the sequences set back. Its ids, tokens and
timestamps are the snapshot's; no trigger or ORM hook rewrites them.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, select, text
from sqlalchemy.orm import Session

from bench.network import Network, seed_network
from desk.base.clock import system_now
from desk.base.config import Settings
from desk.base.db import Database
from desk.demo import load_demo
from desk.migrations import upgrade
from desk.models import Base, Client

# Children first when emptying, parents first when filling.
TABLES = Base.metadata.sorted_tables
# Made by the scheduler's job store at run time, not by the migrations.
RUNTIME_TABLES = ("apscheduler_jobs",)


@dataclass(frozen=True)
class Snapshot:
    """What a database holds: the rows of its non-empty tables, its sequences' positions
    (PostgreSQL's sequences, SQLite's `sqlite_sequence`)."""

    rows: dict[str, list[dict[str, Any]]]
    sequences: dict[str, int | None]


def take(db: Database) -> Snapshot:
    with db.engine.connect() as conn:
        rows: dict[str, list[dict[str, Any]]] = {}
        for table in TABLES:
            found = [
                {column.key: row._mapping[column] for column in table.columns}
                for row in conn.execute(select(table))
            ]
            if found:
                rows[table.name] = found
        return Snapshot(rows=rows, sequences=_sequences(conn))


def restore(db: Database, snapshot: Snapshot) -> None:
    """Make `db` hold exactly `snapshot`, in one transaction."""
    with db.engine.begin() as conn:
        _delete_everything(conn)
        for table in TABLES:
            if table.name in snapshot.rows:
                conn.execute(insert(table), snapshot.rows[table.name])
        _set_sequences(conn, snapshot.sequences)


def _delete_everything(conn: Connection) -> None:
    """Every row gone, issued invoices too: their triggers (migration 0018) refuse any
    DELETE, so they are set aside for the emptying only."""
    statements = [f'DELETE FROM "{table.name}"' for table in reversed(TABLES)]
    statements += [f"DROP TABLE IF EXISTS {name}" for name in RUNTIME_TABLES]
    if conn.dialect.name == "postgresql":
        # Triggers off for this transaction (the tests connect as a superuser); one round
        # trip: no bound parameters, so psycopg sends them as one query.
        statements.insert(0, "SET LOCAL session_replication_role = replica")
        conn.exec_driver_sql("; ".join(statements))
        return
    sealed = conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND (name GLOB '*_sealed' OR name GLOB '*_forward')"
        )
    ).all()
    for name, _sql in sealed:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    for statement in statements:
        conn.exec_driver_sql(statement)
    for _name, sql in sealed:
        conn.exec_driver_sql(sql)


def _sequences(conn: Connection) -> dict[str, int | None]:
    if conn.dialect.name == "postgresql":
        found = conn.execute(
            text(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value "
                "FROM pg_sequences WHERE schemaname = current_schema()"
            )
        )
        return {name: value for name, value in found}
    if not conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
        return {}
    return {name: seq for name, seq in conn.execute(text("SELECT name, seq FROM sqlite_sequence"))}


def _set_sequences(conn: Connection, sequences: dict[str, int | None]) -> None:
    if conn.dialect.name == "postgresql":
        # Every sequence (the schema's: the same in every snapshot), an unused one back to
        # its start, as RESTART IDENTITY did.
        calls = [
            f"setval('{name}', {value}, true)"
            if value is not None
            else f"setval('{name}', 1, false)"
            for name, value in sequences.items()
        ]
        if calls:
            conn.exec_driver_sql(f"SELECT {', '.join(calls)}")
        return
    has_table = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"))
    if has_table.first():
        conn.exec_driver_sql("DELETE FROM sqlite_sequence")
        for name, seq in sequences.items():
            conn.execute(
                text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
                {"name": name, "seq": seq},
            )


# Per process (each xdist worker has its own databases): the state right after the
# migrations, and the demo desk, per database URL.
_MIGRATED: dict[str, Snapshot] = {}
_DEMO: dict[str, tuple[datetime, Snapshot]] = {}
# The demo books around the moment it is loaded: a copy older than this, or of another
# day, is loaded again.
DEMO_KEPT_FOR = timedelta(minutes=15)
PARIS = ZoneInfo("Europe/Paris")  # the demo practice's


def migrated(url: str) -> Database:
    """A database at `url` with every migration applied, remembered as its empty state."""
    db = Database(url)
    upgrade(db.engine)
    _MIGRATED[url] = take(db)
    return db


def empty(db: Database) -> None:
    """Back to what the migrations made: no rows but what they seed."""
    restore(db, _MIGRATED[db.url])


def _days(at: datetime) -> tuple[date, date]:
    return at.date(), at.astimezone(PARIS).date()


def demo_desk(db: Database, settings: Settings) -> str:
    """`db` emptied and holding the demo desk; returns what `desk demo` prints.

    The demo is loaded once per database (again after DEMO_KEPT_FOR or at midnight) and
    copied back for each test; `load_demo` then runs on the copy, where it only reads (it
    is idempotent), for the text it prints."""
    now = system_now()
    kept = _DEMO.get(db.url)
    if kept is not None and (now - kept[0] > DEMO_KEPT_FOR or _days(now) != _days(kept[0])):
        kept = None
    if kept is None:
        empty(db)
        with db.session() as s:
            load_demo(s, settings, now)
        _DEMO[db.url] = (now, take(db))
    else:
        restore(db, kept[1])
    with db.session() as s:
        return load_demo(s, settings, now)


def demo_id(session: Session) -> int:
    """The demo client's id (Cabinet du Parc, the tenant of the demo's users)."""
    found = session.scalar(select(Client.id).where(Client.slug == "cabinet-du-parc"))
    assert found is not None
    return found


T = TypeVar("T")
_PREPARED: dict[tuple[str, str], tuple[Snapshot, Any, Snapshot]] = {}


def prepared(db: Database, key: str, build: Callable[[], T]) -> T:
    """What `build` writes into `db` (and returns), built once per database and written
    back for the next test that asks for `key` from the same starting rows.

    `build` must give the same rows and value whenever it starts from the same rows (no
    clock, no unseeded randomness). A test starting from other rows builds anew."""
    before = take(db)
    kept = _PREPARED.get((db.url, key))
    if kept is not None and kept[0] == before:
        restore(db, kept[2])
        return kept[1]  # type: ignore[no-any-return]
    value = build()
    _PREPARED[(db.url, key)] = (before, value, take(db))
    return value


def seeded_network(
    db: Database, clients: int, calls_per_client: int = 20, appointments_per_client: int = 10
) -> Network:
    """bench's `seed_network` (seeded: the same rows every time), kept per database."""
    return prepared(
        db,
        f"network {clients} {calls_per_client} {appointments_per_client}",
        lambda: seed_network(db.engine, clients, calls_per_client, appointments_per_client),
    )


_DROP = (
    "import sys\n"
    "from sqlalchemy import create_engine, text\n"
    "engine = create_engine(sys.argv[1], isolation_level='AUTOCOMMIT')\n"
    "with engine.connect() as conn:\n"
    "    conn.execute(text(f'DROP DATABASE IF EXISTS \"{sys.argv[2]}\" WITH (FORCE)'))\n"
)


_DROPPING: list[subprocess.Popen[bytes]] = []  # kept: never collected while running


def drop_database_later(server_url: str, name: str) -> None:
    """DROP DATABASE `name` on the server of `server_url` in a process of its own, which
    outlives this one; not awaited."""
    _DROPPING.append(
        subprocess.Popen(
            [sys.executable, "-c", _DROP, server_url, name],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    )


def rows_per_table(db: Database) -> dict[str, int]:
    """How many rows each table holds (a rehearsal must change none)."""
    with db.engine.connect() as conn:
        return {
            t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
        }

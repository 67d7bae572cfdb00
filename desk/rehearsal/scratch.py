"""The scratch desk a rehearsal runs on, and the rota it stands on.

A temporary SQLite database with the desk's own schema (its migrations), filled through
SQLAlchemy Core from the live database (SQLite or PostgreSQL alike) with what routing
reads: clients and their numbers, coverage and closures, secretaries, trainings, the rota
(shifts, overrides, absences), contacts, logins (without their passwords) and the desk's
identity. History (calls, attempts, messages, the outbox, receipts, presence, the queue,
appointments, invoices, reports, audit) is left out: routing never reads it, and the
rehearsal starts with every secretary free. Commits there are not synced to disk: the
file is thrown away at the end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.base.errors import DomainError
from desk.models import (
    Absence,
    Base,
    Call,
    CallAttempt,
    Client,
    Override,
    Secretary,
    Shift,
)
from desk.models.states import AttemptOutcome
from desk.rota import responders
from desk.rota.coverage import coverage

# In the order foreign keys need (parents first: `Base.metadata.sorted_tables`).
COPIED = frozenset(
    {
        "desk_identity",
        "clients",
        "secretaries",
        "users",
        "desk_numbers",
        "coverage_windows",
        "practitioners",
        "closures",
        "contacts",
        "trainings",
        "shifts",
        "overrides",
        "absences",
    }
)
PARIS = ZoneInfo("Europe/Paris")
# The talk time when the client has no answered call to learn from (seconds).
DEFAULT_TALK = 180
# How far back the client's own calls give the talk time.
TALK_DAYS = 90
# Looked at for the next covered lunch hour of a weekday (Paris wall time).
LUNCH_HOURS = (time(12), time(13))
LUNCH_SEARCH_DAYS = 21


def unsynced(engine: Engine) -> None:
    """Commits of this engine's new connections are not synced (a throwaway file)."""

    @event.listens_for(engine, "connect")
    def _fast(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()


def copy_desk(live: Database, scratch: Database) -> dict[str, int]:
    """Copy the tables routing reads from `live` into `scratch`; rows per table."""
    tables = [t for t in Base.metadata.sorted_tables if t.name in COPIED]
    counts: dict[str, int] = {}
    with live.engine.connect() as source, scratch.engine.begin() as target:
        for table in tables:
            rows = [dict(row._mapping) for row in source.execute(select(table))]
            if table.name == "users":
                for row in rows:
                    row["password_hash"] = ""  # nobody logs in to a scratch desk
            if rows:
                target.execute(insert(table), rows)
            counts[table.name] = len(rows)
    return counts


def find_client(session: Session, slug: str) -> Client:
    client = session.scalar(select(Client).where(Client.slug == slug.strip()))
    if client is None:
        raise DomainError("rush_client_unknown", "client", slug=slug)
    return client


def observed_talk(session: Session, client_id: int, at: datetime) -> int:
    """The client's mean talk time over its last answered calls (not simulated), or
    DEFAULT_TALK: read on the live desk, which it does not change."""
    mean = session.scalar(
        select(func.avg(CallAttempt.duration_seconds))
        .join(Call, Call.id == CallAttempt.call_id)
        .where(
            Call.client_id == client_id,
            Call.simulated.is_(False),
            Call.started_at >= at - timedelta(days=TALK_DAYS),
            CallAttempt.outcome == AttemptOutcome.ACCEPTED,
            CallAttempt.duration_seconds > 0,
        )
    )
    return round(float(mean)) if mean else DEFAULT_TALK


def next_lunch(session: Session, client: Client, now: datetime) -> datetime:
    """The next weekday lunch hour (Paris wall time) the client's coverage covers."""
    today = now.astimezone(PARIS).date()
    for offset in range(LUNCH_SEARCH_DAYS):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for hour in LUNCH_HOURS:
            at = datetime.combine(day, hour, PARIS)
            if at > now and coverage(session, client, at).covered:
                return at
    raise DomainError("rush_no_lunch", "at")


@dataclass(frozen=True)
class Team:
    """Who the rehearsal's virtual secretaries stand for."""

    names: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.names)


def on_duty(session: Session, client: Client, at: datetime) -> Team:
    """The secretaries the rota rings for the client at `at` (partners on overflow too)."""
    seen: dict[int, str] = {}
    for step in responders(session, client, at):
        for responder in step:
            seen.setdefault(responder.secretary_id, responder.name)
    return Team(tuple(seen.values()))


def stand_in(session: Session, client: Client, wanted: list[str]) -> Team:
    """Make the scratch rota ring exactly `wanted` (e-mails or names) for the client, in
    that order, all day: the others inactive, a shift each for the client, their
    absences and overrides gone. Only ever on the scratch desk."""
    chosen: list[Secretary] = []
    for text in wanted:
        key = text.strip().lower()
        found = session.scalar(
            select(Secretary)
            .where(
                Secretary.active.is_(True),
                or_(func.lower(Secretary.email) == key, func.lower(Secretary.name) == key),
            )
            .order_by(Secretary.id)
            .limit(1)
        )
        if found is None:
            raise DomainError("rush_secretary_unknown", "secretaries", name=text.strip())
        if found not in chosen:
            chosen.append(found)
    ids = [s.id for s in chosen]
    session.execute(update(Secretary).where(Secretary.id.not_in(ids)).values(active=False))
    for model, column in (
        (Absence, Absence.secretary_id),
        (Override, Override.replacement_secretary_id),
        (Override, Override.original_secretary_id),
    ):
        for row in session.scalars(select(model).where(column.in_(ids))):
            session.delete(row)
    session.flush()
    for rank, secretary in enumerate(chosen, start=1):
        session.add(
            Shift(
                secretary_id=secretary.id,
                client_id=client.id,
                weekdays="0123456",
                start_local=time(0),
                end_local=time(23, 59),
                rank=rank,
            )
        )
    session.flush()
    return Team(tuple(s.name for s in chosen))


def without_queue(client: Client) -> None:
    """As if the client had no queue: nobody free is voicemail at once."""
    client.queue_max_wait_seconds = 0


def per_hour(calls: int, minutes: float) -> float:
    return calls * 60 / minutes if minutes > 0 and math.isfinite(minutes) else 0.0

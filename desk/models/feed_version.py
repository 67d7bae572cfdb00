"""A client's feed version: bumped in the same transaction as any change its feeds show.

Feeds answer `If-None-Match` from the client row alone (two indexed lookups, no scan of
its appointments), so every write that could change a feed's text must bump
`clients.feed_version`. Doing it here, on every flush and every ORM bulk statement,
rather than in each domain function, means no code path can forget it.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from desk.base.clock import system_now
from desk.models.appointments import Appointment
from desk.models.clients import AppointmentType, Client, Practitioner

FEED_TABLES = (Appointment, AppointmentType, Practitioner)
# Columns no feed shows: changing only these leaves every feed as it was.
NEUTRAL = frozenset(
    {
        "reminder_sent_at",
        "confirmation_sent_at",
        "busy_ics_url",
        "active",
        # An event's stored feed text (scheduling/feed_parts.py): written by the feeds.
        "feed_part",
        "feed_part_key",
    }
)


def _changes_feed(obj: Any, session: Session) -> bool:
    if obj in session.new or obj in session.deleted:
        return True
    state = inspect(obj)
    changed = {
        attr.key for attr in state.attrs if attr.history.has_changes() and attr.key not in NEUTRAL
    }
    return bool(changed)


def _bump(session: Session, client_ids: Any) -> None:
    """`client_ids`: a list of ids, or a SELECT of them. Core, so no autoflush recursion."""
    clients = cast(Table, Client.__table__)
    session.connection().execute(
        update(clients)
        .where(clients.c.id.in_(client_ids))
        .values(feed_version=clients.c.feed_version + 1, feed_changed_at=system_now())
    )


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    changed = [
        obj
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, FEED_TABLES)
        and obj.client_id is not None
        and _changes_feed(obj, session)
    ]
    for obj in changed:
        if isinstance(obj, Appointment) and obj in session.dirty:
            obj.feed_part = None  # its stored feed text is stale: the next feed rebuilds it
    ids = {obj.client_id for obj in changed}
    if ids:
        session.info.setdefault("feed_clients", set()).update(ids)


@event.listens_for(Session, "after_flush")
def _apply(session: Session, _flush: UOWTransaction) -> None:
    ids = session.info.pop("feed_clients", None)
    if ids:
        _bump(session, sorted(ids))


# An ORM bulk UPDATE that changes only columns no feed shows says so with this execution
# option (a reminder's claim); any other bulk UPDATE or DELETE bumps its clients' feeds.
FEED_UNCHANGED = "desk_feed_unchanged"


@event.listens_for(Session, "do_orm_execute")
def _bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    entity = state.bind_mapper.class_
    if entity not in FEED_TABLES or state.execution_options.get(FEED_UNCHANGED):
        return
    statement: Any = state.statement
    if state.is_update and entity is Appointment:
        # The rows' stored feed texts are stale.
        state.statement = statement.values(feed_part=None)
    affected = select(entity.client_id)
    if statement.whereclause is not None:
        affected = affected.where(statement.whereclause)
    _bump(state.session, affected)

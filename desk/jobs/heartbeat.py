"""The heartbeat: proves the leader is alive; `/readyz` reports its last run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from desk.jobs.runtime import runtime
from desk.models import SchedulerHeartbeat


def record_beat(session: Session, node: str, now: datetime) -> None:
    """Write this node's beat and mark it the only leader (a previous one has stepped down)."""
    session.execute(
        update(SchedulerHeartbeat)
        .where(SchedulerHeartbeat.node != node, SchedulerHeartbeat.is_leader.is_(True))
        .values(is_leader=False)
    )
    row = session.get(SchedulerHeartbeat, node)
    if row is None:
        row = SchedulerHeartbeat(node=node)
        session.add(row)
    row.ran_at = now
    row.is_leader = True


def beat() -> None:
    rt = runtime()
    with rt.db.session() as session:
        record_beat(session, rt.node, rt.clock())

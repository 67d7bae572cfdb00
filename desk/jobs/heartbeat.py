"""The heartbeat: proves the leader is alive; `/readyz` reports its last run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from desk.jobs import JobContext, job_session
from desk.models import SchedulerHeartbeat


def record_beat(session: Session, node: str, at: datetime) -> None:
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
    row.ran_at = at
    row.is_leader = True


def beat(context: JobContext) -> dict[str, int]:
    with job_session(context) as session:
        record_beat(session, context.node, context.clock())
    return {"beats": 1}

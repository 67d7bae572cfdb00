"""Records of the desk itself: the audit trail and the scheduler's heartbeat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from desk.base.clock import system_now
from desk.models.base import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=system_now, index=True)
    actor: Mapped[str] = mapped_column(String(200))  # "user:3", "api:cabinet-du-parc", "system"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SchedulerHeartbeat(Base):
    """One row per scheduler node; the leader writes it on every heartbeat job."""

    __tablename__ = "scheduler_heartbeats"

    node: Mapped[str] = mapped_column(String(100), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(default=system_now)
    is_leader: Mapped[bool] = mapped_column(default=False)

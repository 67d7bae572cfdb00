"""Reports kept by the desk: one row per client and month once its report is claimed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desk.models.base import Base, utcnow


class MonthlyReport(Base):
    """The monthly activity report of a client: `claimed_at` is set once, by the one job
    run that sends it (compare-and-set), so it goes out exactly once per client and month."""

    __tablename__ = "monthly_reports"
    __table_args__ = (UniqueConstraint("client_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    month: Mapped[date]  # its first day
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    recipients: Mapped[int] = mapped_column(default=0)

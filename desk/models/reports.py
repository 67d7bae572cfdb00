"""Reports kept by the desk: monthly reports claimed, and the desk-wide hourly roll-up."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desk.base.clock import system_now
from desk.models.base import Base


class MonthlyReport(Base):
    """The monthly activity report of a client: `claimed_at` is set once, by the one job
    run that sends it (compare-and-set), so it goes out exactly once per client and month."""

    __tablename__ = "monthly_reports"
    __table_args__ = (UniqueConstraint("client_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    month: Mapped[date]  # its first day
    created_at: Mapped[datetime] = mapped_column(default=system_now)
    claimed_at: Mapped[datetime | None]
    recipients: Mapped[int] = mapped_column(default=0)


class CallHour(Base):
    """Calls received in one UTC hour, desk-wide (the roll-up behind the desk's heatmap).

    Kept by the `call-hours` job (desk/reports/rollup.py); calls newer than the mark are
    counted live, so a reader never misses one."""

    __tablename__ = "call_hours"

    hour: Mapped[datetime] = mapped_column(primary_key=True)
    calls: Mapped[int] = mapped_column(default=0)


class RollupMark(Base):
    """How far a roll-up has read: the last call id it counted (and, for the settled
    hours, the UTC hour up to which every hour is counted)."""

    __tablename__ = "rollup_marks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_call_id: Mapped[int] = mapped_column(default=0)
    refreshed_at: Mapped[datetime | None]
    settled_until: Mapped[datetime | None]


class OutcomeHour(Base):
    """Settled calls of one UTC hour with one outcome, desk-wide (desk/reports/rollup.py)."""

    __tablename__ = "outcome_hours"

    hour: Mapped[datetime] = mapped_column(primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16), primary_key=True)
    calls: Mapped[int] = mapped_column(default=0)


class AnsweredHour(Base):
    """Settled answered calls of one UTC hour, grouped by who took them, whether she was
    the plan's rank 1 and the time to answer (ms), with their talk time."""

    __tablename__ = "answered_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    hour: Mapped[datetime] = mapped_column(index=True)
    secretary_id: Mapped[int | None]
    first: Mapped[int] = mapped_column(default=0)
    wait_ms: Mapped[int | None]
    calls: Mapped[int] = mapped_column(default=0)
    talk_sum: Mapped[int] = mapped_column(default=0)
    talks: Mapped[int] = mapped_column(default=0)


class OfferedHalfHour(Base):
    """Settled offered calls of one client in one of its local half hours, as a staffing
    forecast counts them (`desk.reports.forecast.Sums`), by the UTC hour they started
    in, so that an hour is recounted whole (desk/reports/settled.py). After-hours calls
    are not kept: a forecast does not learn from them."""

    __tablename__ = "offered_half_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    hour: Mapped[datetime] = mapped_column(index=True)  # UTC
    client_id: Mapped[int]
    day: Mapped[date] = mapped_column(index=True)  # the client's local day
    weekday: Mapped[int]  # of `day`, Monday = 0
    slot: Mapped[int]  # the local half hour, 0..47
    offered: Mapped[int] = mapped_column(default=0)
    talk_sum: Mapped[float] = mapped_column(default=0.0)
    talks: Mapped[int] = mapped_column(default=0)
    waited: Mapped[float] = mapped_column(default=0.0)
    gave_up: Mapped[int] = mapped_column(default=0)

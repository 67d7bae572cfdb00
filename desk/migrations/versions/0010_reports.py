"""reports: monthly reports claimed once per client and month; the desk-wide hourly roll-up

Revision ID: 0010
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import desk.models.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monthly_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("created_at", desk.models.base.UTCDateTime(), nullable=False),
        sa.Column("claimed_at", desk.models.base.UTCDateTime(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_monthly_reports_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_reports")),
        sa.UniqueConstraint("client_id", "month", name=op.f("uq_monthly_reports_client_id")),
    )

    op.create_table(
        "call_hours",
        sa.Column("hour", desk.models.base.UTCDateTime(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hour", name=op.f("pk_call_hours")),
    )
    op.create_table(
        "rollup_marks",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("last_call_id", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", desk.models.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_rollup_marks")),
    )
    op.create_index("ix_calls_started_at", "calls", ["started_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_calls_started_at", table_name="calls")
    op.drop_table("rollup_marks")
    op.drop_table("call_hours")
    op.drop_table("monthly_reports")

"""The staffing forecast's roll-up: offered calls per client and local half hour

`offered_half_hours`, kept by the call-hours job with the other settled hours' tables, so
that the desk-wide staffing advice adds up its eight weeks of history from rows, not
from every call (2.6 s at a million calls a year). The settled hours' mark is moved back
to the start: the job's next run counts every settled hour again, this table included;
until then the pages count the calls live, as they do past the mark.

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desk.models.base import UTCDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offered_half_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hour", UTCDateTime(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("talk_sum", sa.Double(), nullable=False),
        sa.Column("talks", sa.Integer(), nullable=False),
        sa.Column("waited", sa.Double(), nullable=False),
        sa.Column("gave_up", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offered_half_hours")),
    )
    op.create_index(op.f("ix_offered_half_hours_hour"), "offered_half_hours", ["hour"])
    op.create_index(op.f("ix_offered_half_hours_day"), "offered_half_hours", ["day"])
    op.execute(
        "UPDATE rollup_marks SET settled_until = NULL, last_call_id = 0"
        " WHERE name = 'settled_hours'"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_offered_half_hours_day"), table_name="offered_half_hours")
    op.drop_index(op.f("ix_offered_half_hours_hour"), table_name="offered_half_hours")
    op.drop_table("offered_half_hours")

"""The queue's reports (issue 21, item 5)

`waiting_calls.answered_at` and `first_ring_at`: written when a held caller is taken (the
secretary's acceptance, the call's first ring), so the whole desk's time to a human is
read from the queue's rows without joining the calls. `ix_calls_simulated`: the few
simulated calls, so "not the Simulator's" is an index look-up, not a scan of the calls.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import desk.models.base

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

UTC = desk.models.base.UTCDateTime
SIMULATED = sa.text("simulated")


def upgrade() -> None:
    with op.batch_alter_table("waiting_calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_at", UTC(), nullable=True))
        batch_op.add_column(sa.Column("first_ring_at", UTC(), nullable=True))
    op.create_index(
        "ix_calls_simulated",
        "calls",
        ["id"],
        unique=False,
        sqlite_where=SIMULATED,
        postgresql_where=SIMULATED,
    )


def downgrade() -> None:
    op.drop_index("ix_calls_simulated", table_name="calls")
    with op.batch_alter_table("waiting_calls", schema=None) as batch_op:
        batch_op.drop_column("first_ring_at")
        batch_op.drop_column("answered_at")

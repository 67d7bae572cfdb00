"""What a new owner hit: simulated calls marked, the desk's training mode

`calls.simulated`: a call placed by the Simulator (`desk simulate`, the desk's page) is
marked at its first webhook and left out of invoices, missions, payouts and reports.
`desk_identity.training_mode`: an admin lets secretaries use the Simulator.

Revision ID: 0020
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("simulated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("desk_identity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("training_mode", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("desk_identity", schema=None) as batch_op:
        batch_op.drop_column("training_mode")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("simulated")

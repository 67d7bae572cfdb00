"""appointments.feed_part: each event's VEVENT text, kept with its row for the feeds

Revision ID: 0011
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_part", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("feed_part_key", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_column("feed_part_key")
        batch_op.drop_column("feed_part")

"""call_attempts: no index of its own on call_id, the unique key's first column

The unique key (call_id, position, secretary_id) serves every lookup by call on SQLite
and PostgreSQL alike; the extra index was one more B-tree written with every attempt,
on the first webhook of every call (issue 15).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_call_attempts_call_id", table_name="call_attempts")


def downgrade() -> None:
    op.create_index("ix_call_attempts_call_id", "call_attempts", ["call_id"], unique=False)

"""log pages: calls, messages and outbox read newest first by (timestamp, id), per client or not

Each log page is one index range: `(…, timestamp, id)` backwards, without a sort, on
SQLite and PostgreSQL (PostgreSQL's indexes do not carry the id as SQLite's rowid does).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_calls_started_at", table_name="calls")
    op.create_index("ix_calls_started_at", "calls", ["started_at", "id"], unique=False)
    op.drop_index("ix_calls_client_started", table_name="calls")
    op.create_index(
        "ix_calls_client_started", "calls", ["client_id", "started_at", "id"], unique=False
    )
    op.create_index("ix_messages_created", "messages", ["created_at", "id"], unique=False)
    op.drop_index("ix_messages_client_created", table_name="messages")
    op.create_index(
        "ix_messages_client_created", "messages", ["client_id", "created_at", "id"], unique=False
    )
    op.create_index("ix_outbox_created", "outbox", ["created_at", "id"], unique=False)
    op.create_index(
        "ix_outbox_client_created", "outbox", ["client_id", "created_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_client_created", table_name="outbox")
    op.drop_index("ix_outbox_created", table_name="outbox")
    op.drop_index("ix_messages_client_created", table_name="messages")
    op.create_index(
        "ix_messages_client_created", "messages", ["client_id", "created_at"], unique=False
    )
    op.drop_index("ix_messages_created", table_name="messages")
    op.drop_index("ix_calls_client_started", table_name="calls")
    op.create_index("ix_calls_client_started", "calls", ["client_id", "started_at"], unique=False)
    op.drop_index("ix_calls_started_at", table_name="calls")
    op.create_index("ix_calls_started_at", "calls", ["started_at"], unique=False)

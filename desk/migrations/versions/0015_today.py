"""Aujourd'hui's indexes: unread messages by urgency then date; appointments by booker

Aujourd'hui lists the ten newest unread messages, urgent first, and counts them: a few
rows of a table that grows with every call, read from a partial index on SQLite and
PostgreSQL alike; and the appointments the person booked today.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UNREAD = sa.text("acknowledged_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_messages_unread",
        "messages",
        ["urgency", "created_at"],
        unique=False,
        sqlite_where=UNREAD,
        postgresql_where=UNREAD,
    )
    op.create_index(
        "ix_appointments_booked_by", "appointments", ["booked_by_id", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_appointments_booked_by", table_name="appointments")
    op.drop_index("ix_messages_unread", table_name="messages")

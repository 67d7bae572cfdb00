"""Presence, the queue and callbacks (issue 21)

`presence`: one row per secretary (made on first use): available, ringing, on a call,
wrapping up or on a break, with the call and leg behind it. `call_attempts.ended_at`:
her leg's end as first reported. `waiting_calls`: callers held in the queue.
`callbacks`: callers who asked to be called back. `clients.queue_max_wait_seconds`.

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import desk.models.base

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

UTC = desk.models.base.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("call_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_at", UTC(), nullable=True))
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("queue_max_wait_seconds", sa.Integer(), server_default="180", nullable=False)
        )
    op.create_table(
        "presence",
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("since", UTC(), nullable=False),
        sa.Column("until", UTC(), nullable=True),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["call_attempts.id"],
            name=op.f("fk_presence_attempt_id_call_attempts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_presence_call_id_calls"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretaries.id"],
            name=op.f("fk_presence_secretary_id_secretaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("secretary_id", name=op.f("pk_presence")),
    )
    op.create_table(
        "waiting_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("since", UTC(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("announcements", sa.Integer(), nullable=False),
        sa.Column("ended_at", UTC(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.id"],
            name=op.f("fk_waiting_calls_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_waiting_calls_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_calls")),
        sa.UniqueConstraint("call_id", name=op.f("uq_waiting_calls_call_id")),
    )
    op.create_index("ix_waiting_calls_state_since", "waiting_calls", ["state", "since"])
    op.create_table(
        "callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("requested_at", UTC(), nullable=False),
        sa.Column("done_at", UTC(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_callbacks_call_id_calls"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_callbacks_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["users.id"],
            name=op.f("fk_callbacks_done_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callbacks")),
        sa.UniqueConstraint("call_id", name=op.f("uq_callbacks_call_id")),
    )
    op.create_index("ix_callbacks_client_requested", "callbacks", ["client_id", "requested_at"])


def downgrade() -> None:
    op.drop_index("ix_callbacks_client_requested", table_name="callbacks")
    op.drop_table("callbacks")
    op.drop_index("ix_waiting_calls_state_since", table_name="waiting_calls")
    op.drop_table("waiting_calls")
    op.drop_table("presence")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("queue_max_wait_seconds")
    with op.batch_alter_table("call_attempts", schema=None) as batch_op:
        batch_op.drop_column("ended_at")

"""rota and calls

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import desk.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_receipts")),
        sa.UniqueConstraint("key", name=op.f("uq_webhook_receipts_key")),
    )
    with op.batch_alter_table("webhook_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_receipts_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretaries.id"],
            name=op.f("fk_absences_secretary_id_secretaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(
            "ix_absences_secretary_period", ["secretary_id", "starts_at", "ends_at"], unique=False
        )

    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("to_number", sa.String(length=32), nullable=False),
        sa.Column("caller", sa.String(length=32), nullable=False),
        sa.Column("forwarded_from", sa.String(length=32), nullable=True),
        sa.Column("started_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", desk.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", desk.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("twilio_status", sa.String(length=16), nullable=True),
        sa.Column("last_sequence", sa.Integer(), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("recording_sid", sa.String(length=64), nullable=True),
        sa.Column("recording_url", sa.String(length=500), nullable=True),
        sa.Column("recording_duration", sa.Integer(), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_calls_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["secretaries.id"], name=op.f("fk_calls_handled_by_id_secretaries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("call_sid", name=op.f("uq_calls_call_sid")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index("ix_calls_client_started", ["client_id", "started_at"], unique=False)

    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("weekdays", sa.String(length=7), nullable=True),
        sa.Column("rrule", sa.Text(), nullable=True),
        sa.Column("start_local", sa.Time(), nullable=False),
        sa.Column("end_local", sa.Time(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("ring_together", sa.Boolean(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_shifts_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretaries.id"],
            name=op.f("fk_shifts_secretary_id_secretaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
    )
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_shifts_client_valid", ["client_id", "valid_from", "valid_until"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_shifts_secretary_id"), ["secretary_id"], unique=False)

    op.create_table(
        "call_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("leg_sid", sa.String(length=64), nullable=True),
        sa.Column("started_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("accepted_at", desk.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.id"],
            name=op.f("fk_call_attempts_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretaries.id"],
            name=op.f("fk_call_attempts_secretary_id_secretaries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_attempts")),
        sa.UniqueConstraint(
            "call_id", "position", "secretary_id", name=op.f("uq_call_attempts_call_id")
        ),
    )
    with op.batch_alter_table("call_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_attempts_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_call_attempts_leg_sid"), ["leg_sid"], unique=False)
        batch_op.create_index(
            "ix_call_attempts_secretary_accepted", ["secretary_id", "accepted_at"], unique=False
        )

    op.create_table(
        "overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("original_secretary_id", sa.Integer(), nullable=False),
        sa.Column("replacement_secretary_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["original_secretary_id"],
            ["secretaries.id"],
            name=op.f("fk_overrides_original_secretary_id_secretaries"),
        ),
        sa.ForeignKeyConstraint(
            ["replacement_secretary_id"],
            ["secretaries.id"],
            name=op.f("fk_overrides_replacement_secretary_id_secretaries"),
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["shifts.id"],
            name=op.f("fk_overrides_shift_id_shifts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overrides")),
    )
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.create_index(
            "ix_overrides_original_period",
            ["original_secretary_id", "starts_at", "ends_at"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("overrides")
    op.drop_table("call_attempts")
    op.drop_table("shifts")
    op.drop_table("calls")
    op.drop_table("absences")
    op.drop_table("webhook_receipts")

"""Mission offers to the network: offers, their recipients, the desk's policy, auto-offer

A rota gap offered to partners (issue 24): one row per offer, one per person it goes to
(unique per offer: never twice to the same person), the desk's wave delay and whether
its own secretaries are offered gaps, and per client how many days ahead its gaps are
offered automatically.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import desk.models.base

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def _utc() -> desk.models.base.UTCDateTime:
    return desk.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", _utc(), nullable=False),
        sa.Column("ends_at", _utc(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("taken_by_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", _utc(), nullable=True),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", _utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_offers_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["taken_by_id"], ["secretaries.id"], name=op.f("fk_offers_taken_by_id_secretaries")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_offers_shift_id_shifts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offers_client_id"), ["client_id"], unique=False)
        batch_op.create_index("ix_offers_state_starts", ["state", "starts_at"], unique=False)

    op.create_table(
        "offer_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.Boolean(), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("due_at", _utc(), nullable=False),
        sa.Column("sent_at", _utc(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("answered_at", _utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_offer_recipients_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretaries.id"],
            name=op.f("fk_offer_recipients_secretary_id_secretaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_recipients")),
        sa.UniqueConstraint("offer_id", "secretary_id", name=op.f("uq_offer_recipients_offer_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_offer_recipients_token_hash")),
    )
    with op.batch_alter_table("offer_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_offer_recipients_secretary_id"), ["secretary_id"], unique=False
        )
        batch_op.create_index("ix_offer_recipients_due", ["sent_at", "due_at"], unique=False)

    op.create_table(
        "offer_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_delay_minutes", sa.Integer(), nullable=False),
        sa.Column("include_desk", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_policy")),
    )
    op.create_table(
        "client_offer_settings",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("days_ahead", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_offer_settings_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_offer_settings")),
    )


def downgrade() -> None:
    op.drop_table("client_offer_settings")
    op.drop_table("offer_policy")
    with op.batch_alter_table("offer_recipients", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_recipients_due")
        batch_op.drop_index(batch_op.f("ix_offer_recipients_secretary_id"))
    op.drop_table("offer_recipients")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index("ix_offers_state_starts")
        batch_op.drop_index(batch_op.f("ix_offers_client_id"))
    op.drop_table("offers")

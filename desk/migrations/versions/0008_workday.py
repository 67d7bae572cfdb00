"""the working day: overrides limited to a client, accent-blind search, duty notices

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

import desk.models.base

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _fold(text: str | None) -> str:
    # A copy of desk.base.search.fold as it was when this migration was written.
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def upgrade() -> None:
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_overrides_client_id_clients"),
            "clients",
            ["client_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("patient_search", sa.String(length=200), server_default="", nullable=False)
        )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("secretaries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notify_by", sa.String(length=8), server_default="sms", nullable=False)
        )
    op.create_table(
        "duty_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("created_at", desk.models.base.UTCDateTime(), nullable=False),
        sa.Column("sent_at", desk.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretaries.id"],
            name=op.f("fk_duty_notices_secretary_id_secretaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_notices")),
        sa.UniqueConstraint("secretary_id", "key", name=op.f("uq_duty_notices_secretary_id")),
    )
    conn = op.get_bind()
    appointments = sa.table("appointments", sa.column("id"), sa.column("patient_name"),
                            sa.column("patient_search"))  # fmt: skip
    for row in conn.execute(sa.select(appointments.c.id, appointments.c.patient_name)).all():
        conn.execute(
            appointments.update()
            .where(appointments.c.id == row.id)
            .values(patient_search=_fold(row.patient_name)[:200])
        )
    messages = sa.table("messages", sa.column("id"), sa.column("caller_name"),
                        sa.column("reason"), sa.column("body"), sa.column("search"))  # fmt: skip
    for message_id, name, reason, body in conn.execute(
        sa.select(messages.c.id, messages.c.caller_name, messages.c.reason, messages.c.body)
    ).all():
        text = " ".join((name or "", reason or "", body or ""))
        conn.execute(
            messages.update().where(messages.c.id == message_id).values(search=_fold(text))
        )


def downgrade() -> None:
    op.drop_table("duty_notices")
    with op.batch_alter_table("secretaries", schema=None) as batch_op:
        batch_op.drop_column("notify_by")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("search")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_column("patient_search")
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_overrides_client_id_clients"), type_="foreignkey")
        batch_op.drop_column("client_id")

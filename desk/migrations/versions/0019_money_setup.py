"""the desk's identity for invoices: legal form, RCS, share capital, IBAN, BIC, payment terms

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

COLUMNS = (
    ("legal_form", sa.String(length=60), "''"),
    ("rcs_city", sa.String(length=100), "''"),
    ("rcs_number", sa.String(length=20), "''"),
    ("share_capital_cents", sa.Integer(), None),
    ("iban", sa.String(length=40), "''"),
    ("bic", sa.String(length=11), "''"),
    ("payment_days", sa.Integer(), "30"),
)


def upgrade() -> None:
    with op.batch_alter_table("desk_identity") as batch:
        for name, kind, default in COLUMNS:
            nullable = default is None
            batch.add_column(
                sa.Column(
                    name,
                    kind,
                    nullable=nullable,
                    server_default=sa.text(default) if default else None,
                )
            )


def downgrade() -> None:
    with op.batch_alter_table("desk_identity") as batch:
        for name, _kind, _default in reversed(COLUMNS):
            batch.drop_column(name)

"""No rota_version: the counter and its triggers (0013, 0016) go

They told a process whether the rotas, desk numbers and coverage it kept between
requests were still current. The first webhook now reads them from the database at
every call (issue 25: the database is the only state shared between requests), so
nothing reads the counter, and every rota edit no longer serialises on its one row.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# The tables 0013 and 0016 put triggers on.
TABLES = (
    "shifts",
    "overrides",
    "absences",
    "trainings",
    "secretaries",
    "desk_numbers",
    "coverage_windows",
    "closures",
    "clients",
)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_rota_version ON {table}")
            continue
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_rota_version_{event}")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS bump_rota_version()")
    op.drop_table("rota_version")


def downgrade() -> None:
    # The counter comes back without its triggers: nothing reads it any more.
    op.create_table(
        "rota_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_version")),
    )
    op.execute("INSERT INTO rota_version (id, version) VALUES (1, 0)")

"""No rota_version (0013, 0016 go); the settled hours' roll-up for desk-wide reports

The counter and its triggers told a process whether the rotas, desk numbers and
coverage it kept between requests were still current. The first webhook now reads
them from the database at every call (issue 25: the database is the only state shared
between requests), so nothing reads the counter, and rota edits no longer serialise on
its one row.
What a per-process cache gave the desk-wide reports, a persistent roll-up gives back:
`outcome_hours` and `answered_hours`, kept by the call-hours job for the hours whose
calls have ended (`rollup_marks.settled_until`).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desk.models.base import UTCDateTime

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
    with op.batch_alter_table("rollup_marks") as batch_op:
        batch_op.add_column(sa.Column("settled_until", UTCDateTime(), nullable=True))
    op.create_table(
        "outcome_hours",
        sa.Column("hour", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hour", "outcome", name=op.f("pk_outcome_hours")),
    )
    op.create_table(
        "answered_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hour", UTCDateTime(), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=True),
        sa.Column("first", sa.Integer(), nullable=False),
        sa.Column("wait_ms", sa.Integer(), nullable=True),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("talk_sum", sa.Integer(), nullable=False),
        sa.Column("talks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answered_hours")),
    )
    op.create_index(op.f("ix_answered_hours_hour"), "answered_hours", ["hour"])


def downgrade() -> None:
    op.drop_index(op.f("ix_answered_hours_hour"), table_name="answered_hours")
    op.drop_table("answered_hours")
    op.drop_table("outcome_hours")
    with op.batch_alter_table("rollup_marks") as batch_op:
        batch_op.drop_column("settled_until")
    # The counter comes back without its triggers: nothing reads it any more.
    op.create_table(
        "rota_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_version")),
    )
    op.execute("INSERT INTO rota_version (id, version) VALUES (1, 0)")

"""rota_version: one counter moved by triggers on every change a rota is built from

Routing keeps each client's rota for the day in the process (`desk/calls/day_rotas.py`)
and reads this counter with the call's first statement: a kept rota is used only while
the counter has not moved. Triggers, not application code, move it, so an ORM change, a
Core statement, an import or plain SQL in a shell all count. Secretaries count only for
the columns the rota reads (name, phone, active).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLES = {"shifts": "", "overrides": "", "absences": "", "trainings": ""}
TABLES["secretaries"] = "name, phone, active"  # UPDATE OF these columns only
BUMP = "UPDATE rota_version SET version = version + 1"


def upgrade() -> None:
    op.create_table(
        "rota_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_version")),
    )
    op.execute("INSERT INTO rota_version (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_rota_version() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table, columns in TABLES.items():
            update = f"UPDATE OF {columns}" if columns else "UPDATE"
            op.execute(
                f"CREATE TRIGGER {table}_rota_version AFTER INSERT OR {update} OR DELETE"
                f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_rota_version()"
            )
        return
    for table, columns in TABLES.items():
        for event in ("INSERT", f"UPDATE OF {columns}" if columns else "UPDATE", "DELETE"):
            name = f"{table}_rota_version_{event.split()[0].lower()}"
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {BUMP}; END")


def downgrade() -> None:
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

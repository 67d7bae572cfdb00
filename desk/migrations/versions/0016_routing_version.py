"""rota_version moves for what a call's routing reads of its client too

The first webhook of a call keeps each desk number's client and coverage for the day
in the process (`desk/calls/day_numbers.py`), as it keeps the rota (0013): the same
counter, moved by triggers on desk numbers, coverage windows, closures and the client
columns routing reads, tells whether what a process keeps is current.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# What `desk.calls.incoming` reads of a client (UPDATE OF these columns only).
CLIENT_COLUMNS = (
    "name, timezone, locale, greeting, after_hours_mode, after_hours_message, holiday_policy,"
    " holiday_country, ring_pair_together, coverage_suspended, active"
)
TABLES = {"desk_numbers": "", "coverage_windows": "", "closures": "", "clients": CLIENT_COLUMNS}
BUMP = "UPDATE rota_version SET version = version + 1"


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, columns in TABLES.items():
        update = f"UPDATE OF {columns}" if columns else "UPDATE"
        if postgresql:  # bump_rota_version() is 0013's
            op.execute(
                f"CREATE TRIGGER {table}_rota_version AFTER INSERT OR {update} OR DELETE"
                f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_rota_version()"
            )
            continue
        for event in ("INSERT", update, "DELETE"):
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

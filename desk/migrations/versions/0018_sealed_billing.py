"""Sealed billing: issued invoices, their lines and the numbering counter cannot be deleted
or rewound; a credit note is claimed once per invoice; login failures kept in the database

- `invoice_tracking.credited_at`: the compare-and-set a credit note claims first (one per
  invoice, whatever runs at once); invoices already credited are marked (their first credit
  note's time) and their state becomes "credited", so they take no payment nor reminder.
- Triggers refuse DELETE (and on PostgreSQL TRUNCATE) on `invoices`, `invoice_lines`,
  `invoice_tracking` and `invoice_counters`, and any UPDATE of a counter but a step of
  one (0009's refuse UPDATE on invoices and lines).
- `login_failures`: the login guard's counts shared by every worker without Redis.
- Names and greetings stored with control characters (a CR/LF broke feeds; TwiML and
  Factur-X refuse the others) are cleaned as `desk.models.plain_text_guard` now cleans
  every write. Only these small tables: the feeds clean appointments' text as they go.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import desk.models.base
from desk.base.plain_text import free_text, has_controls, one_line

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

SEALED = ("invoices", "invoice_lines", "invoice_tracking", "invoice_counters")
# (table, column, multi-line): what reaches a feed, TwiML, an SMS, a CSV or a PDF.
NAMES = (
    ("clients", "name", False),
    ("clients", "greeting", True),
    ("clients", "after_hours_message", True),
    ("practitioners", "name", False),
    ("appointment_types", "name", False),
    ("contacts", "name", False),
    ("secretaries", "name", False),
    ("users", "name", False),
)
COUNTER_MOVED_OTHERWISE = (
    "NEW.last_number <> OLD.last_number + 1 OR NEW.series <> OLD.series OR NEW.year <> OLD.year"
)


def upgrade() -> None:
    with op.batch_alter_table("invoice_tracking", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("credited_at", desk.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    # Invoices credited before: claimed by their first credit note.
    op.execute(
        "UPDATE invoice_tracking SET state = 'credited', credited_at = ("
        " SELECT min(n.created_at) FROM invoices n"
        " WHERE n.credited_invoice_id = invoice_tracking.invoice_id)"
        " WHERE invoice_id IN (SELECT credited_invoice_id FROM invoices"
        " WHERE credited_invoice_id IS NOT NULL)"
    )
    op.create_table(
        "login_failures",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("window_start", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_failures_window_start"), ["window_start"], unique=False
        )
    _seal()
    _clean_names()


def _clean_names() -> None:
    bind = op.get_bind()
    for table, column, multi_line in NAMES:
        rows = bind.execute(sa.text(f"SELECT id, {column} FROM {table}")).all()
        for row_id, value in rows:
            if isinstance(value, str) and has_controls(value):
                cleaned = free_text(value) if multi_line else one_line(value)
                bind.execute(
                    sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                    {"value": cleaned, "id": row_id},
                )


def _seal() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'issued invoices and their numbering are sealed (%)',"
            " TG_TABLE_NAME; END $$"
        )
        for table in SEALED:
            op.execute(
                f"CREATE TRIGGER {table}_sealed BEFORE DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_delete()"
            )
            # TRUNCATE skips row triggers: refused on its own (a CASCADE from clients too).
            op.execute(
                f"CREATE TRIGGER {table}_sealed_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete()"
            )
        op.execute(
            "CREATE TRIGGER invoice_counters_forward BEFORE UPDATE ON invoice_counters "
            f"FOR EACH ROW WHEN ({COUNTER_MOVED_OTHERWISE}) EXECUTE FUNCTION refuse_delete()"
        )
        return
    for table in SEALED:
        op.execute(
            f"CREATE TRIGGER {table}_sealed BEFORE DELETE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'issued invoices and their numbering are sealed'); END"
        )
    op.execute(
        "CREATE TRIGGER invoice_counters_forward BEFORE UPDATE ON invoice_counters "
        f"WHEN {COUNTER_MOVED_OTHERWISE} "
        "BEGIN SELECT RAISE(ABORT, 'issued invoices and their numbering are sealed'); END"
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    triggers = [(table, f"{table}_sealed") for table in SEALED]
    if postgresql:
        triggers += [(table, f"{table}_sealed_truncate") for table in SEALED]
    for table, name in [*triggers, ("invoice_counters", "invoice_counters_forward")]:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS refuse_delete()")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_window_start"))
    op.drop_table("login_failures")
    with op.batch_alter_table("invoice_tracking", schema=None) as batch_op:
        batch_op.drop_column("credited_at")

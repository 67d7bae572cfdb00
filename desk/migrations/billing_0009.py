"""What migration 0009 (billing) does beyond creating tables: the old contracts carried
over as first versions, and the triggers that make issued invoices immutable.

Kept out of the revision file so that file stays readable; nothing else imports it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

import desk.models.base

PRICE_COLUMNS = (
    "monthly_fee_cents",
    "included_calls",
    "per_call_cents",
    "per_block_cents",
    "block_seconds",
    "per_appointment_cents",
    "per_message_cents",
    "per_sms_cents",
    "surcharge_percent",
    "vat_rate_bp",
    "payment_days",
)
IMMUTABLE = ("invoices", "invoice_lines")


def contracts_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=True),
        sa.Column("created_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        *[sa.Column(c, sa.Integer(), nullable=False) for c in PRICE_COLUMNS],
        sa.Column("vat_franchise", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_contracts_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["price_plans.id"], name=op.f("fk_contracts_plan_id_price_plans")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quotes.id"], name=op.f("fk_contracts_quote_id_quotes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint("client_id", "valid_from", name=op.f("uq_contracts_client_id")),
    )


def replace_contracts() -> None:
    """The old one-row-per-client contract becomes the first version of each client's."""
    bind = op.get_bind()
    old = bind.execute(
        sa.text(
            "SELECT c.id, c.client_id, c.monthly_fee_cents, c.included_calls, "
            "c.price_per_call_cents, c.price_per_block_cents, c.block_seconds, c.valid_from, "
            "k.created_at FROM contracts c JOIN clients k ON k.id = c.client_id"
        )
    ).all()
    op.drop_table("contracts")
    contracts_table("contracts")
    table = sa.table(
        "contracts",
        *[sa.column(c, sa.Integer()) for c in ("id", "client_id", *PRICE_COLUMNS)],
        sa.column("valid_from", sa.Date()),
        sa.column("created_at", desk.models.base.UTCDateTime()),
        sa.column("vat_franchise", sa.Boolean()),
    )
    rows = []
    for row in old:
        created = row.created_at
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        valid_from = row.valid_from or created.date()
        if isinstance(valid_from, str):
            valid_from = date.fromisoformat(valid_from)
        rows.append(
            dict(
                id=row.id,
                client_id=row.client_id,
                valid_from=valid_from,
                created_at=created,
                monthly_fee_cents=row.monthly_fee_cents,
                included_calls=row.included_calls,
                per_call_cents=row.price_per_call_cents,
                per_block_cents=row.price_per_block_cents,
                block_seconds=row.block_seconds,
                per_appointment_cents=0,
                per_message_cents=0,
                per_sms_cents=0,
                surcharge_percent=0,
                vat_rate_bp=2000,
                payment_days=30,
                vat_franchise=False,
            )
        )
    if rows:
        op.bulk_insert(table, rows)


def restore_old_contracts() -> None:
    op.drop_table("contracts")
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("monthly_fee_cents", sa.Integer(), nullable=False),
        sa.Column("included_calls", sa.Integer(), nullable=False),
        sa.Column("price_per_call_cents", sa.Integer(), nullable=False),
        sa.Column("price_per_block_cents", sa.Integer(), nullable=False),
        sa.Column("block_seconds", sa.Integer(), nullable=False),
        sa.Column("partner_share_percent", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_contracts_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint("client_id", name=op.f("uq_contracts_client_id")),
    )


def immutable_invoices() -> None:
    """An issued invoice is final: the database itself refuses to update it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'issued invoices are immutable (%)', TG_TABLE_NAME; END $$"
        )
        for table in IMMUTABLE:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_update()"
            )
        return
    for table in IMMUTABLE:
        op.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'issued invoices are immutable'); END"
        )


def drop_triggers() -> None:
    for table in IMMUTABLE:
        op.execute(
            f"DROP TRIGGER IF EXISTS {table}_immutable"
            + (f" ON {table}" if op.get_bind().dialect.name == "postgresql" else "")
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS refuse_update()")

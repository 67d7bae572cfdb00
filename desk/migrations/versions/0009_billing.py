"""billing: price plans, versioned contracts, partner agreements, missions, invoices
(immutable: the database refuses updates), payments, quotes, outbox attachments

Revision ID: 0009
Revises: 0005
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

import desk.models.base

revision = "0009"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billing_templates",
        sa.Column("key", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_billing_templates")),
    )
    op.create_table(
        "billing_seller",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("siren", sa.String(length=14), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("vat_number", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("iban", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_seller")),
    )
    op.create_table(
        "invoice_counters",
        sa.Column("series", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_invoice_counters")),
    )
    op.create_table(
        "price_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("monthly_fee_cents", sa.Integer(), nullable=False),
        sa.Column("included_calls", sa.Integer(), nullable=False),
        sa.Column("per_call_cents", sa.Integer(), nullable=False),
        sa.Column("per_block_cents", sa.Integer(), nullable=False),
        sa.Column("block_seconds", sa.Integer(), nullable=False),
        sa.Column("per_appointment_cents", sa.Integer(), nullable=False),
        sa.Column("per_message_cents", sa.Integer(), nullable=False),
        sa.Column("per_sms_cents", sa.Integer(), nullable=False),
        sa.Column("surcharge_percent", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("vat_franchise", sa.Boolean(), nullable=False),
        sa.Column("payment_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_plans")),
        sa.UniqueConstraint("name", name=op.f("uq_price_plans_name")),
    )
    op.create_table(
        "billing_buyers",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("siren", sa.String(length=14), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("vat_number", sa.String(length=20), nullable=False),
        sa.Column("billing_email", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_billing_buyers_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_billing_buyers")),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("statement_key", sa.String(length=64), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("credited_invoice_id", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("seller", sa.JSON(), nullable=False),
        sa.Column("buyer", sa.JSON(), nullable=False),
        sa.Column("total_ht_cents", sa.Integer(), nullable=False),
        sa.Column("total_vat_cents", sa.Integer(), nullable=False),
        sa.Column("total_ttc_cents", sa.Integer(), nullable=False),
        sa.Column("vat_breakdown", sa.JSON(), nullable=False),
        sa.Column("vat_note", sa.String(length=200), nullable=False),
        sa.Column("penalty_rate_bp", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_invoices_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["credited_invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoices_credited_invoice_id_invoices"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
        sa.UniqueConstraint("statement_key", name=op.f("uq_invoices_statement_key")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index("ix_invoices_client_month", ["client_id", "month"], unique=False)

    op.create_table(
        "partner_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("fixed_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_partner_agreements_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretaries.id"],
            name=op.f("fk_partner_agreements_secretary_id_secretaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_agreements")),
        sa.UniqueConstraint(
            "secretary_id",
            "client_id",
            "valid_from",
            name=op.f("uq_partner_agreements_secretary_id"),
        ),
    )
    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("prospect_name", sa.String(length=200), nullable=False),
        sa.Column("prospect_email", sa.String(length=254), nullable=False),
        sa.Column("prospect_siren", sa.String(length=14), nullable=False),
        sa.Column("prospect_address", sa.Text(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("monthly_estimate_cents", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_expires_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", desk.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_name", sa.String(length=200), nullable=True),
        sa.Column("accepted_ip", sa.String(length=64), nullable=True),
        sa.Column("accepted_sha256", sa.String(length=64), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("created_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_quotes_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["price_plans.id"], name=op.f("fk_quotes_plan_id_price_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint("number", name=op.f("uq_quotes_number")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_quotes_token_hash")),
    )
    op.create_table(
        "coverage_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["users.id"], name=op.f("fk_coverage_decisions_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_coverage_decisions_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_decisions")),
    )
    with op.batch_alter_table("coverage_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coverage_decisions_client_id"), ["client_id"], unique=False
        )

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_cents", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
        sa.UniqueConstraint("invoice_id", "position", name=op.f("uq_invoice_lines_invoice_id")),
    )
    op.create_table(
        "invoice_tracking",
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("sent_at", desk.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paid_at", desk.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paid_cents", sa.Integer(), nullable=False),
        sa.Column("reminder_7_at", desk.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminder_15_at", desk.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminder_30_at", desk.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_tracking_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("invoice_id", name=op.f("pk_invoice_tracking")),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("created_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_payments_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_invoice_id"), ["invoice_id"], unique=False)

    _replace_contracts()
    op.create_table(
        "missions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=True),
        sa.Column("by_partner", sa.Boolean(), nullable=False),
        sa.Column("occurred_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("blocks", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("included", sa.Boolean(), nullable=False),
        sa.Column("surcharged", sa.Boolean(), nullable=False),
        sa.Column("list_cents", sa.Integer(), nullable=False),
        sa.Column("surcharge_cents", sa.Integer(), nullable=False),
        sa.Column("billed_cents", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("partner_cents", sa.Integer(), nullable=False),
        sa.Column("computed_at", desk.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["partner_agreements.id"],
            name=op.f("fk_missions_agreement_id_partner_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_missions_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_missions_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"], ["secretaries.id"], name=op.f("fk_missions_secretary_id_secretaries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missions")),
        sa.UniqueConstraint("source", name=op.f("uq_missions_source")),
    )
    with op.batch_alter_table("missions", schema=None) as batch_op:
        batch_op.create_index("ix_missions_client_month", ["client_id", "month"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_missions_secretary_id"), ["secretary_id"], unique=False
        )

    op.create_table(
        "outbox_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_outbox_attachments_outbox_id_outbox"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attachments")),
    )
    with op.batch_alter_table("outbox_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_attachments_outbox_id"), ["outbox_id"], unique=False
        )

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("coverage_suspended", sa.Boolean(), server_default="0", nullable=False)
        )

    _immutable_invoices()


def downgrade() -> None:
    op.drop_table("billing_templates")
    _drop_triggers()

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("coverage_suspended")

    with op.batch_alter_table("outbox_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_attachments_outbox_id"))

    op.drop_table("outbox_attachments")
    with op.batch_alter_table("missions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_missions_secretary_id"))
        batch_op.drop_index("ix_missions_client_month")

    op.drop_table("missions")
    _restore_old_contracts()
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_invoice_id"))

    op.drop_table("payments")
    op.drop_table("invoice_tracking")
    op.drop_table("invoice_lines")
    with op.batch_alter_table("coverage_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coverage_decisions_client_id"))

    op.drop_table("coverage_decisions")
    op.drop_table("quotes")
    op.drop_table("partner_agreements")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_client_month")

    op.drop_table("invoices")
    op.drop_table("billing_buyers")
    op.drop_table("price_plans")
    op.drop_table("invoice_counters")
    op.drop_table("billing_seller")


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


def _contracts_table(name: str) -> None:
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


def _replace_contracts() -> None:
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
    _contracts_table("contracts")
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


def _restore_old_contracts() -> None:
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


def _immutable_invoices() -> None:
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


def _drop_triggers() -> None:
    for table in IMMUTABLE:
        op.execute(
            f"DROP TRIGGER IF EXISTS {table}_immutable"
            + (f" ON {table}" if op.get_bind().dialect.name == "postgresql" else "")
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS refuse_update()")

"""cases: clocks, decisions, events, rule firings, attached contacts, edited config

Revision ID: 0006_cases
Revises: 0001

Existing cases (written by older demos) keep their rows: ``accepted_at`` takes
``opened_at``; their clocks are filled by the next sweep (``xinsheng cases sweep``).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import xinsheng.db

revision = "0006_cases"
down_revision = "0001"
branch_labels = ("cases",)
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TS = xinsheng.db.UTCDateTime(timezone=True)

_NEW_CASE_COLUMNS = [
    sa.Column("text", sa.Text(), nullable=True),
    sa.Column("channel", sa.String(16), nullable=True),
    sa.Column("regulator_referred", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("opened_by", sa.String(128), nullable=True),
    sa.Column("accepted_at", _TS, nullable=True),
    sa.Column("policy_code", sa.String(64), nullable=True),
    sa.Column("ack_due_at", _TS, nullable=True),
    sa.Column("acknowledged_at", _TS, nullable=True),
    sa.Column("ack_breached_at", _TS, nullable=True),
    sa.Column("warn_at", _TS, nullable=True),
    sa.Column("sla_state", sa.String(16), nullable=False, server_default="on_track"),
    sa.Column("extensions", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("next_progress_at", _TS, nullable=True),
    sa.Column("decided_at", _TS, nullable=True),
    sa.Column("resolution", sa.Text(), nullable=True),
    sa.Column("compensation_cny", sa.Numeric(14, 2), nullable=True),
    sa.Column("decided_by", sa.String(128), nullable=True),
    sa.Column("root_cause", sa.String(32), nullable=True),
    sa.Column("customer_accepted", sa.Boolean(), nullable=True),
    sa.Column("repeat_contacts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("risk_score", sa.Float(), nullable=False, server_default="0"),
    sa.Column("updated_at", _TS, nullable=True),
]
_INDEXES = {
    "ix_cases_queue": ["status", "tier", "owner_user_id"],
    "ix_cases_warn": ["sla_state", "warn_at"],
    "ix_cases_due": ["status", "due_at"],
    "ix_cases_ack_due": ["acknowledged_at", "ack_due_at"],
    "ix_cases_next_progress": ["next_progress_at"],
    "ix_cases_customer_topic": ["customer_id", "topic", "status"],
}


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for column in _NEW_CASE_COLUMNS:
            batch.add_column(column)
        for name, columns in _INDEXES.items():
            batch.create_index(name, columns)
    op.execute("UPDATE cases SET accepted_at = opened_at, updated_at = opened_at")

    op.create_table(
        "case_events",
        sa.Column("id", _KEY, nullable=False),
        sa.Column("case_id", _KEY, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("detail", _JSON, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_events_case", "case_events", ["case_id", "id"])
    op.create_table(
        "case_escalations",
        sa.Column("id", _KEY, nullable=False),
        sa.Column("case_id", _KEY, nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("cause", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("to_tier", sa.Integer(), nullable=True),
        sa.Column("to_level", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "rule", "cause", name="uq_case_escalations_cause"),
    )
    op.create_index("ix_case_escalations_rule_at", "case_escalations", ["rule", "at"])
    op.create_table(
        "case_contacts",
        sa.Column("id", _KEY, nullable=False),
        sa.Column("case_id", _KEY, nullable=False),
        sa.Column("interaction_id", _KEY, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["interaction_id"], ["interactions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "interaction_id", name="uq_case_contacts"),
    )
    op.create_index("ix_case_contacts_interaction", "case_contacts", ["interaction_id"])
    op.create_table(
        "case_config",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("case_config")
    op.drop_index("ix_case_contacts_interaction", table_name="case_contacts")
    op.drop_table("case_contacts")
    op.drop_index("ix_case_escalations_rule_at", table_name="case_escalations")
    op.drop_table("case_escalations")
    op.drop_index("ix_case_events_case", table_name="case_events")
    op.drop_table("case_events")
    with op.batch_alter_table("cases") as batch:
        for name in _INDEXES:
            batch.drop_index(name)
        for column in reversed(_NEW_CASE_COLUMNS):
            batch.drop_column(column.name)

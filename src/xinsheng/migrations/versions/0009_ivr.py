"""ivr: each caller's behaviour state, menu tree versions, IVR settings

Revision ID: 0009_ivr
Revises: 0001

The state table is filled by the ingest hook as contacts arrive; ``xinsheng ivr rebuild``
fills it from the stored history once (for data ingested before this revision).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import xinsheng.db

revision = "0009_ivr"
down_revision = "0001"
branch_labels = ("ivr",)
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TS = xinsheng.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ivr_caller_state",
        sa.Column("customer_id", _KEY, sa.ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("phone_index", sa.String(40), nullable=True),
        sa.Column("state", _JSON, nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_ivr_caller_state_phone_index", "ivr_caller_state", ["phone_index"])
    op.create_table(
        "ivr_tree_versions",
        sa.Column("id", _KEY, primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False, unique=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("author", sa.String(160), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "ivr_settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", _JSON, nullable=False),
        sa.Column("updated_by", sa.String(160), nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ivr_settings")
    op.drop_table("ivr_tree_versions")
    op.drop_index("ix_ivr_caller_state_phone_index", table_name="ivr_caller_state")
    op.drop_table("ivr_caller_state")

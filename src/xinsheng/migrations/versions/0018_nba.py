"""nba: offer outcomes (next-best-action) and segments (rule and cluster)

Revision ID: 0018_nba
Revises: 0001

See docs/nba.md.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import xinsheng.db

revision = "0018_nba"
down_revision = "0001"
branch_labels = ("nba",)
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TS = xinsheng.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "nba_outcomes",
        sa.Column("id", _KEY, primary_key=True),
        sa.Column("customer_id", _KEY, sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("offer_code", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("holdout", sa.Boolean(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    op.create_index("ix_nba_outcomes_customer", "nba_outcomes", ["customer_id", "recorded_at"])
    op.create_table(
        "segments",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("label", _JSON, nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("centroid", _JSON, nullable=True),
        sa.Column("details", _JSON, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("refreshed_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("segments")
    op.drop_index("ix_nba_outcomes_customer", table_name="nba_outcomes")
    op.drop_table("nba_outcomes")

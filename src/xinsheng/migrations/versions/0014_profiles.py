"""profiles: holdings snapshots and one living profile row per customer

Revision ID: 0014_profiles
Revises: 0001

Holdings arrive by ``xinsheng ingest --kind holdings`` and ``POST /api/v1/holdings``; the
profile rows are kept by the ingest hooks, and ``xinsheng profiles rebuild`` fills them from
data stored before this revision. See docs/profiles.md.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import xinsheng.db

revision = "0014_profiles"
down_revision = "0001"
branch_labels = ("profiles",)
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TS = xinsheng.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "holdings",
        sa.Column("id", _KEY, primary_key=True),
        sa.Column("customer_id", _KEY, sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("product", sa.String(64), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("balance_cny", sa.Numeric(18, 2), nullable=False),
        sa.Column("risk_level", sa.Integer(), nullable=True),
        sa.Column("ingested_at", _TS, nullable=False),
        sa.UniqueConstraint("customer_id", "as_of", "product", name="uq_holdings_customer_day_product"),
    )
    op.create_index("ix_holdings_as_of", "holdings", ["as_of"])
    op.create_table(
        "customer_profiles",
        sa.Column("customer_id", _KEY, sa.ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("state", _JSON, nullable=False),
        sa.Column("features", _JSON, nullable=False),
        sa.Column("value_tier", sa.String(32), nullable=True),
        sa.Column("lifecycle", sa.String(16), nullable=True),
        sa.Column("aum_cny", sa.Float(), nullable=True),
        sa.Column("churn_risk", sa.Float(), nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_customer_profiles_value_tier", "customer_profiles", ["value_tier"])
    op.create_index("ix_customer_profiles_lifecycle", "customer_profiles", ["lifecycle"])


def downgrade() -> None:
    op.drop_table("customer_profiles")
    op.drop_index("ix_holdings_as_of", "holdings")
    op.drop_table("holdings")

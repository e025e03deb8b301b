"""improvements: improvement actions and the customers who raised them

Revision ID: 0016_improvements
Revises: 0001

See docs/improvements.md.
"""
import sqlalchemy as sa
from alembic import op

import xinsheng.db

revision = "0016_improvements"
down_revision = "0001"
branch_labels = ("improvements",)
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = xinsheng.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "improvement_actions",
        sa.Column("id", _KEY, primary_key=True),
        sa.Column("ref", sa.String(32), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("problem_kind", sa.String(16), nullable=False),
        sa.Column("problem_ref", sa.String(128), nullable=False),
        sa.Column("change_zh", sa.Text(), nullable=False),
        sa.Column("change_en", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("promised_date", sa.Date(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("shipped_on", sa.Date(), nullable=True),
        sa.Column("metric", sa.String(16), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_improvement_actions_state", "improvement_actions", ["state", "promised_date"])
    op.create_table(
        "improvement_customers",
        sa.Column("id", _KEY, primary_key=True),
        sa.Column("action_id", _KEY, sa.ForeignKey("improvement_actions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("customer_id", _KEY, sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("raised_at", _TS, nullable=True),
        sa.Column("told_at", _TS, nullable=True),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("skipped", sa.String(32), nullable=True),
        sa.UniqueConstraint("action_id", "customer_id", name="uq_improvement_customers"),
    )
    op.create_index("ix_improvement_customers_customer_id", "improvement_customers", ["customer_id"])


def downgrade() -> None:
    op.drop_table("improvement_customers")
    op.drop_table("improvement_actions")

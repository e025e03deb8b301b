"""quality: checks of phone calls, their findings, supervisors' verdicts

Revision ID: 0015_quality
Revises: 0001

See docs/quality.md.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import xinsheng.db

revision = "0015_quality"
down_revision = "0001"
branch_labels = ("quality",)
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TS = xinsheng.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "qa_checks",
        sa.Column("id", _KEY, primary_key=True),
        sa.Column("interaction_id", _KEY, sa.ForeignKey("interactions.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("agent_ref", sa.String(64), nullable=True),
        sa.Column("team", sa.String(64), nullable=True),
        sa.Column("call_started_at", _TS, nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("failed_mandatory", sa.Boolean(), nullable=False),
        sa.Column("sampled", sa.Boolean(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("turns", _JSON, nullable=False),
        sa.Column("rules_version", sa.String(16), nullable=False),
        sa.Column("checked_at", _TS, nullable=False),
    )
    op.create_index("ix_qa_checks_agent_started", "qa_checks", ["agent_ref", "call_started_at"])
    op.create_index("ix_qa_checks_queue", "qa_checks", ["needs_review", "call_started_at"])
    op.create_table(
        "qa_findings",
        sa.Column("id", _KEY, primary_key=True),
        sa.Column("check_id", _KEY, sa.ForeignKey("qa_checks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("start_s", sa.Float(), nullable=True),
        sa.Column("note", sa.String(200), nullable=True),
        sa.UniqueConstraint("check_id", "rule", name="uq_qa_findings_check_rule"),
    )
    op.create_table(
        "qa_reviews",
        sa.Column("id", _KEY, primary_key=True),
        sa.Column("finding_id", _KEY, sa.ForeignKey("qa_findings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("reviewed_at", _TS, nullable=False),
        sa.UniqueConstraint("finding_id", name="uq_qa_reviews_finding"),
    )


def downgrade() -> None:
    op.drop_table("qa_reviews")
    op.drop_table("qa_findings")
    op.drop_index("ix_qa_checks_queue", table_name="qa_checks")
    op.drop_index("ix_qa_checks_agent_started", table_name="qa_checks")
    op.drop_table("qa_checks")

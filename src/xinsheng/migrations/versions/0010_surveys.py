"""surveys: invitations (hashed single-use tokens) and responses

Revision ID: 0010_surveys
Revises: 0001

See docs/surveys.md.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import xinsheng.db

revision = "0010_surveys"
down_revision = "0001"
branch_labels = ("surveys",)
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TS = xinsheng.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "survey_invitations",
        sa.Column("id", _KEY, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("source_key", sa.String(200), nullable=False, unique=True),
        sa.Column("customer_id", _KEY, sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("survey", sa.String(32), nullable=False),
        sa.Column("trigger", sa.String(64), nullable=False),
        sa.Column("interaction_id", _KEY, sa.ForeignKey("interactions.id", ondelete="SET NULL"), nullable=True),
        sa.Column("case_ref", sa.String(64), nullable=True),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("invited_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("answered_at", _TS, nullable=True),
    )
    op.create_index("ix_survey_invitations_customer", "survey_invitations", ["customer_id", "invited_at"])
    op.create_table(
        "survey_responses",
        sa.Column("id", _KEY, primary_key=True),
        sa.Column("dedup_key", sa.String(64), nullable=False, unique=True),
        sa.Column("invitation_id", _KEY, sa.ForeignKey("survey_invitations.id", ondelete="SET NULL"),
                  nullable=True, unique=True),
        sa.Column("survey", sa.String(32), nullable=False),
        sa.Column("metric", sa.String(8), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("customer_id", _KEY, sa.ForeignKey("customers.id", ondelete="SET NULL"), nullable=True),
        sa.Column("interaction_id", _KEY, sa.ForeignKey("interactions.id", ondelete="SET NULL"), nullable=True),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("segment", sa.String(32), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("answered_at", _TS, nullable=False),
        sa.Column("analysis", _JSON, nullable=False),
        sa.Column("followup_case_ref", sa.String(64), nullable=True),
    )
    op.create_index("ix_survey_responses_metric_answered", "survey_responses", ["metric", "answered_at"])
    op.create_index("ix_survey_responses_customer", "survey_responses", ["customer_id", "answered_at"])


def downgrade() -> None:
    op.drop_table("survey_responses")
    op.drop_table("survey_invitations")

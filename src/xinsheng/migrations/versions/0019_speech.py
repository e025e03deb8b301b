"""speech: transcripts of call recordings (turns for the quality checks, optional encrypted audio)

Revision ID: 0019_speech
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import xinsheng.db

revision = "0019_speech"
down_revision = "0001"
branch_labels = ("speech",)
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TS = xinsheng.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "speech_transcripts",
        sa.Column("interaction_id", _KEY, sa.ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("turns", _JSON, nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("layout", sa.String(8), nullable=False),
        sa.Column("source_rate", sa.Integer(), nullable=True),
        sa.Column("engine", sa.String(32), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=True),
        sa.Column("audio", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("speech_transcripts")

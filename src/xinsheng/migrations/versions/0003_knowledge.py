"""knowledge: articles, versions, feedback, index state

Revision ID: 0003_knowledge
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import xinsheng.db

revision = "0003_knowledge"
down_revision = "0001"
branch_labels = ("knowledge",)
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TS = xinsheng.db.UTCDateTime(timezone=True)


def _content() -> list[sa.Column]:
    """Columns an article and each of its versions share."""
    return [
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("paraphrases", _JSON, nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("products", _JSON, nullable=False),
        sa.Column("channels", _JSON, nullable=False),
        sa.Column("valid_from", _TS, nullable=True),
        sa.Column("valid_to", _TS, nullable=True),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "kb_articles",
        sa.Column("id", _ID, nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        *_content(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("live_version", sa.Integer(), nullable=True),
        sa.Column("index_rev", sa.BigInteger(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
    )
    op.create_index("ix_kb_articles_status", "kb_articles", ["status"])
    op.create_index("ix_kb_articles_index_rev", "kb_articles", ["index_rev"])
    op.create_table(
        "kb_article_versions",
        sa.Column("id", _ID, nullable=False),
        sa.Column("article_id", _ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_content(),
        sa.Column("changed_by", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "version", name="uq_kb_versions_article_version"),
    )
    op.create_table(
        "kb_feedback",
        sa.Column("id", _ID, nullable=False),
        sa.Column("article_id", _ID, nullable=False),
        sa.Column("article_version", sa.Integer(), nullable=True),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=True),
        sa.Column("customer_ref", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_kb_feedback_article", "kb_feedback", ["article_id"])
    op.create_table(
        "kb_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("kb_state")
    op.drop_index("ix_kb_feedback_article", table_name="kb_feedback")
    op.drop_table("kb_feedback")
    op.drop_table("kb_article_versions")
    op.drop_index("ix_kb_articles_index_rev", table_name="kb_articles")
    op.drop_index("ix_kb_articles_status", table_name="kb_articles")
    op.drop_table("kb_articles")

"""insights: index interactions by (channel, started_at)

Revision ID: 0005_channel_started
Revises: 0004_topic_daily

The Hot issues report filtered by channel reads the newest negative texts of each day
on that channel; without this index it would scan the whole day on every channel.
"""
from alembic import op

revision = "0005_channel_started"
down_revision = "0004_topic_daily"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_interactions_channel_started", "interactions", ["channel", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_interactions_channel_started", table_name="interactions")

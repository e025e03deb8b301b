"""insights: daily topic counts recounted over customers' texts only

Revision ID: 0013_topic_daily_customers
Revises: 0012_channel_daily

Until this revision the counts included the bank's own outbound texts (notices, statements,
sales and callback calls), which are not the customer's voice. A database counted before
is recounted here with revision 0004's backfill, which now skips them; a new database
loses nothing (it is recounted to the same numbers).
"""
import importlib

import sqlalchemy as sa
from alembic import op

revision = "0013_topic_daily_customers"
down_revision = "0012_channel_daily"
branch_labels = None
depends_on = None


def _revision_0004():
    return importlib.import_module("xinsheng.migrations.versions.0004_topic_daily")


def upgrade() -> None:
    recount(op.get_bind())


def recount(conn) -> None:
    """Every daily topic count taken anew from the stored analyses of customers' texts."""
    table = sa.table("topic_daily", sa.column("day", sa.Date()), sa.column("topic_code", sa.String()),
                     sa.column("channel", sa.String()), sa.column("label", sa.String()),
                     sa.column("texts", sa.Integer()), sa.column("negative", sa.Integer()),
                     sa.column("negative_primary", sa.Integer()), sa.column("score_sum", sa.Float()))
    conn.execute(table.delete())
    _revision_0004().backfill(conn, table)


def downgrade() -> None:
    """Nothing to undo: the outbound texts' counts are not put back."""

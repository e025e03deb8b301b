"""interactions: daily contacts per channel (channel_daily) for the home page, backfilled

Revision ID: 0012_channel_daily
Revises: 0005_channel_started

The home page's chart read every contact of the last 90 days on each visit; it now reads
these counts. They are filled here from the contacts already stored, a page at a time;
days are in the display time zone configured now (XINSHENG_DISPLAY_TIMEZONE). From here
on they are kept by the code that inserts contacts (interactions/daily.py).
"""
from collections import Counter
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import xinsheng.db

revision = "0012_channel_daily"
down_revision = "0005_channel_started"
branch_labels = None
depends_on = None

PAGE = 50_000
_interactions = sa.table("interactions", sa.column("id", sa.BigInteger()),
                         sa.column("started_at", xinsheng.db.UTCDateTime()), sa.column("channel", sa.String()))


def upgrade() -> None:
    table = op.create_table(
        "channel_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "channel"),
    )
    backfill(op.get_bind(), table)


def downgrade() -> None:
    op.drop_table("channel_daily")


def backfill(conn, table) -> None:
    """Count every stored contact into ``table`` (empty before)."""
    from xinsheng.config import get_settings

    tz = ZoneInfo(get_settings().display_timezone)
    counts: Counter = Counter()
    last = -1
    while True:
        page = conn.execute(
            sa.select(_interactions.c.id, _interactions.c.started_at, _interactions.c.channel)
            .where(_interactions.c.id > last).order_by(_interactions.c.id).limit(PAGE)
        ).all()
        if not page:
            break
        counts.update((row.started_at.astimezone(tz).date(), row.channel) for row in page)
        last = page[-1].id
    if counts:
        conn.execute(table.insert(), [{"day": day, "channel": channel, "contacts": n}
                                      for (day, channel), n in sorted(counts.items())])

"""insights: daily topic counts (topic_daily) for the Hot issues report, backfilled

Revision ID: 0004_topic_daily
Revises: 0001

The counts are filled from the analyses already stored (of customer texts: the bank's
outbound ones are not counted), a page of analyses at a time;
days are in the display time zone configured now (XINSHENG_DISPLAY_TIMEZONE). From here
on they are kept by the code that stores analyses (interactions/analysis.py).
"""
from collections import defaultdict
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import xinsheng.db

revision = "0004_topic_daily"
down_revision = "0001"
branch_labels = ("insights",)
depends_on = None

ALL_TEXTS = "*"
PAGE = 20_000
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_interactions = sa.table("interactions", sa.column("id", sa.BigInteger()),
                         sa.column("started_at", xinsheng.db.UTCDateTime()), sa.column("channel", sa.String()),
                         sa.column("direction", sa.String()))
_analysis = sa.table("interaction_analysis", sa.column("interaction_id", sa.BigInteger()),
                     sa.column("topics", _JSON), sa.column("sentiment_label", sa.String()),
                     sa.column("sentiment_score", sa.Float()))


def upgrade() -> None:
    table = op.create_table(
        "topic_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("topic_code", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=128), nullable=False),
        sa.Column("texts", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.Column("negative_primary", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("day", "topic_code", "channel"),
    )
    backfill(op.get_bind(), table)


def downgrade() -> None:
    op.drop_table("topic_daily")


def backfill(conn, table) -> None:
    """Count every stored analysis into ``table`` (empty before)."""
    from xinsheng.config import get_settings

    tz = ZoneInfo(get_settings().display_timezone)
    counts: dict[tuple, list] = defaultdict(lambda: ["", 0, 0, 0, 0.0])
    last = -1
    while True:
        page = conn.execute(
            sa.select(_analysis.c.interaction_id, _interactions.c.started_at, _interactions.c.channel,
                      _analysis.c.topics, _analysis.c.sentiment_label, _analysis.c.sentiment_score)
            .join(_interactions, _interactions.c.id == _analysis.c.interaction_id)
            .where(_analysis.c.interaction_id > last, _interactions.c.direction != "outbound")
            .order_by(_analysis.c.interaction_id).limit(PAGE)
        ).all()
        if not page:
            break
        for row in page:
            _count(counts, row, tz)
        last = page[-1].interaction_id
    if counts:
        conn.execute(table.insert(), [
            {"day": day, "topic_code": code, "channel": channel, "label": row[0], "texts": row[1],
             "negative": row[2], "negative_primary": row[3], "score_sum": row[4]}
            for (day, code, channel), row in sorted(counts.items())
        ])


def _count(counts: dict, row, tz: ZoneInfo) -> None:
    """One analysed text: the all-texts row, and one row per distinct topic."""
    day = row.started_at.astimezone(tz).date()
    neg = int(row.sentiment_label == "negative")
    score = row.sentiment_score or 0.0
    keys = [((day, ALL_TEXTS, row.channel), "", neg)]
    seen = set()
    for i, topic in enumerate(row.topics or []):
        code = (topic.get("code") or "")[:128]
        if code and code not in seen:
            seen.add(code)
            keys.append(((day, code, row.channel), (topic.get("label") or code)[:128], neg if i == 0 else 0))
    for key, label, primary in keys:
        entry = counts[key]
        entry[0] = label
        entry[1] += 1
        entry[2] += neg
        entry[3] += primary
        entry[4] += score

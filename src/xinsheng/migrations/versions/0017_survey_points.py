"""surveys: the points ledger (incentives) and the daily satisfaction sums, backfilled

Revision ID: 0017_survey_points
Revises: 0010_surveys

``survey_points``: points given for an answered invitation, never twice for one invitation
(unique ``invitation_id``). ``survey_daily``: per local day (the display time zone configured
now), metric, channel, segment and tier, the sums the satisfaction figures need; filled here
from the answers already stored, a page at a time, then kept by the code that stores answers
(surveys/daily.py). Three indexes for the Satisfaction page: invitations by time, and
(partial) answers with a comment and answers with a follow-up case by time. See docs/surveys.md.
"""
from collections import defaultdict
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import xinsheng.db

revision = "0017_survey_points"
down_revision = "0010_surveys"
branch_labels = None
depends_on = None

PAGE = 50_000
_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = xinsheng.db.UTCDateTime(timezone=True)
_responses = sa.table("survey_responses", sa.column("id", sa.BigInteger()), sa.column("metric", sa.String()),
                      sa.column("score", sa.Integer()), sa.column("channel", sa.String()),
                      sa.column("segment", sa.String()), sa.column("tier", sa.Integer()),
                      sa.column("answered_at", xinsheng.db.UTCDateTime()))


def upgrade() -> None:
    op.create_table(
        "survey_points",
        sa.Column("id", _KEY, primary_key=True),
        sa.Column("customer_id", _KEY, sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("invitation_id", _KEY, sa.ForeignKey("survey_invitations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("response_id", _KEY, sa.ForeignKey("survey_responses.id", ondelete="SET NULL"), nullable=True),
        sa.Column("survey", sa.String(32), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("awarded_at", _TS, nullable=False),
        sa.UniqueConstraint("invitation_id", name="uq_survey_points_invitation"),
    )
    op.create_index("ix_survey_points_customer", "survey_points", ["customer_id", "awarded_at"])
    daily = op.create_table(
        "survey_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("segment", sa.String(32), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("promoters", sa.Integer(), nullable=False),
        sa.Column("detractors", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("total_sq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "metric", "channel", "segment", "tier"),
    )
    backfill(op.get_bind(), daily)
    # the Satisfaction page's response rate, comments of bad scores and follow-up cases
    op.create_index("ix_survey_invitations_invited", "survey_invitations", ["invited_at"])
    for name, where in (("ix_survey_responses_commented", "comment IS NOT NULL"),
                        ("ix_survey_responses_followup", "followup_case_ref IS NOT NULL")):
        op.create_index(name, "survey_responses", ["answered_at"], sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))


def downgrade() -> None:
    op.drop_index("ix_survey_responses_followup", table_name="survey_responses")
    op.drop_index("ix_survey_responses_commented", table_name="survey_responses")
    op.drop_index("ix_survey_invitations_invited", table_name="survey_invitations")
    op.drop_table("survey_daily")
    op.drop_index("ix_survey_points_customer", table_name="survey_points")
    op.drop_table("survey_points")


def backfill(conn, table) -> None:
    """Sum every stored answer into ``table`` (empty before)."""
    from xinsheng.config import get_settings

    tz = ZoneInfo(get_settings().display_timezone)
    sums: dict = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    last = -1
    r = _responses.c
    while True:
        page = conn.execute(sa.select(r.id, r.metric, r.score, r.channel, r.segment, r.tier, r.answered_at)
                            .where(r.id > last).order_by(r.id).limit(PAGE)).all()
        if not page:
            break
        for row in page:
            s = sums[(row.answered_at.astimezone(tz).date(), row.metric, row.channel or "", row.segment or "",
                      row.tier or 0)]
            s[0] += 1
            s[1] += row.score >= 9
            s[2] += row.score <= 6
            s[3] += row.score >= 4
            s[4] += row.score
            s[5] += row.score * row.score
        last = page[-1].id
    names = ("n", "promoters", "detractors", "satisfied", "total", "total_sq")
    rows = [{"day": k[0], "metric": k[1], "channel": k[2], "segment": k[3], "tier": k[4],
             **dict(zip(names, (int(x) for x in v)))} for k, v in sorted(sums.items())]
    for i in range(0, len(rows), 5000):
        conn.execute(table.insert(), rows[i:i + 5000])

"""Survey invitations and responses.

An invitation stores only the SHA-256 of its link's token (the token itself goes out in the
customer's message and is never stored), when it expires and when it was answered (single
use). A response stores its score, its masked comment and the VOC analysis of the comment,
what it was about (contact, channel, the customer's segment, the case's tier) and the
follow-up case a bad score opened.

``SurveyPoints`` is the incentives ledger: points given for an answered invitation, at most
once per invitation (a unique constraint). ``SurveyDaily`` holds per local day, metric,
channel, segment and tier the sums the satisfaction figures need, kept as answers are
stored (``surveys/daily.py``); an unknown group is stored as "" (tier 0) so the key is
never NULL.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime


class SurveyInvitation(Base):
    __tablename__ = "survey_invitations"
    __table_args__ = (Index("ix_survey_invitations_customer", "customer_id", "invited_at"),
                      Index("ix_survey_invitations_invited", "invited_at"))

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source_key: Mapped[str] = mapped_column(String(200), unique=True)  # "contact:<id>" / "case:<ref>"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    survey: Mapped[str] = mapped_column(String(32))
    trigger: Mapped[str] = mapped_column(String(64))
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id", ondelete="SET NULL"))
    case_ref: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SurveyResponse(Base):
    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_metric_answered", "metric", "answered_at"),
        Index("ix_survey_responses_customer", "customer_id", "answered_at"),
        # the Satisfaction page's comments of bad scores and follow-up cases (partial: few rows)
        Index("ix_survey_responses_commented", "answered_at", sqlite_where=text("comment IS NOT NULL"),
              postgresql_where=text("comment IS NOT NULL")),
        Index("ix_survey_responses_followup", "answered_at", sqlite_where=text("followup_case_ref IS NOT NULL"),
              postgresql_where=text("followup_case_ref IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(64), unique=True)  # the same answer twice is stored once
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitations.id", ondelete="SET NULL"),
                                                      unique=True)
    survey: Mapped[str] = mapped_column(String(32))
    metric: Mapped[str] = mapped_column(String(8))  # csat, nps, ces
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)  # masked
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id", ondelete="SET NULL"))
    channel: Mapped[str | None] = mapped_column(String(16))  # of the experience surveyed
    via: Mapped[str] = mapped_column(String(16))  # how the answer came: web, api, file
    segment: Mapped[str | None] = mapped_column(String(32))
    tier: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    analysis: Mapped[dict] = mapped_column(JSONType, default=dict)  # topics, flags, sentiment of the comment
    followup_case_ref: Mapped[str | None] = mapped_column(String(64))


class SurveyPoints(Base):
    __tablename__ = "survey_points"
    __table_args__ = (UniqueConstraint("invitation_id", name="uq_survey_points_invitation"),
                      Index("ix_survey_points_customer", "customer_id", "awarded_at"))

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    invitation_id: Mapped[int] = mapped_column(ForeignKey("survey_invitations.id", ondelete="CASCADE"))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("survey_responses.id", ondelete="SET NULL"))
    survey: Mapped[str] = mapped_column(String(32))
    points: Mapped[int] = mapped_column(Integer)
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SurveyDaily(Base):
    __tablename__ = "survey_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(8), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    segment: Mapped[str] = mapped_column(String(32), primary_key=True)
    tier: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    promoters: Mapped[int] = mapped_column(Integer)
    detractors: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(BigInteger)
    total_sq: Mapped[int] = mapped_column(BigInteger)

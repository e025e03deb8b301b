"""Interactions: every contact on every channel, and its VOC analysis."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime, utcnow


class Interaction(Base):
    """One contact at one touchpoint. ``text`` is stored masked, never raw."""

    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_interactions_source_external_id"),
        Index("ix_interactions_customer_started", "customer_id", "started_at"),
        Index("ix_interactions_started", "started_at"),
        Index("ix_interactions_agent_started", "agent_ref", "started_at"),  # whom an agent serves
        Index("ix_interactions_channel_started", "channel", "started_at"),  # Hot issues of one channel
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    direction: Mapped[str] = mapped_column(String(8), default="inbound")
    event: Mapped[str | None] = mapped_column(String(64))
    agent_ref: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(32))
    attributes: Mapped[dict] = mapped_column(JSONType, default=dict)
    pii: Mapped[list] = mapped_column(JSONType, default=list)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InteractionAnalysis(Base):
    """The VOC analysis of an interaction's masked text (one row per analysed text)."""

    __tablename__ = "interaction_analysis"

    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str | None] = mapped_column(String(8))
    sentiment_label: Mapped[str | None] = mapped_column(String(16))
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    emotions: Mapped[dict] = mapped_column(JSONType, default=dict)
    topics: Mapped[list] = mapped_column(JSONType, default=list)
    flags: Mapped[list] = mapped_column(JSONType, default=list)
    keywords: Mapped[list] = mapped_column(JSONType, default=list)
    model_version: Mapped[str | None] = mapped_column(String(64))
    analyzed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


#: ``TopicDaily.topic_code`` of the row that counts every analysed text of a day and channel.
ALL_TEXTS = "*"


class TopicDaily(Base):
    """Daily counts of analysed texts per topic and channel: what the Hot issues report
    (热点问题) reads instead of every analysed text.

    Kept in the same transaction as the analyses (``interactions/analysis.py``) by
    increments, so concurrent writers neither lose nor double-count. ``day`` is in the
    bank's display time zone. Topic ``*`` (``ALL_TEXTS``) counts every analysed text,
    with a topic or without. ``negative_primary`` counts the negative texts whose first
    (main) topic this is: spikes are detected on it.
    """

    __tablename__ = "topic_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    topic_code: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(String(128))
    texts: Mapped[int] = mapped_column(Integer)
    negative: Mapped[int] = mapped_column(Integer)
    negative_primary: Mapped[int] = mapped_column(Integer)
    score_sum: Mapped[float] = mapped_column(Float)


class ChannelDaily(Base):
    """Contacts per day and channel: what the home page's chart (每日各渠道联系量) reads
    instead of every contact.

    Kept by ``interactions/daily.py`` in the transaction that inserts the contacts, by
    increments of the rows actually inserted (a re-ingested contact is not counted twice).
    ``day`` is in the bank's display time zone, like ``TopicDaily``.
    """

    __tablename__ = "channel_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    contacts: Mapped[int] = mapped_column(Integer)

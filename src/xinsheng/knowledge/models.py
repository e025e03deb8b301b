"""Knowledge base (知识库): articles, their version history, agents' feedback.

An article's own columns hold its newest version (the working copy, whatever its
status); ``live_version`` names the approved version that is answered while a newer
draft waits for approval, so editing never takes an answer off the air.
``knowledge_state`` is one row whose ``revision`` every write bumps: each process checks
it per query and brings its in-memory index up to date (``generation`` changes when the
row is recreated, e.g. a restored database).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime, utcnow

STATUSES = ("draft", "pending", "approved", "retired")
VERDICTS = ("used", "not_relevant")


class Article(Base):
    """A knowledge article: an answer, the questions it answers, where and when it applies."""

    __tablename__ = "kb_articles"
    __table_args__ = (Index("ix_kb_articles_status", "status"), Index("ix_kb_articles_index_rev", "index_rev"))

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    question: Mapped[str] = mapped_column(Text)
    paraphrases: Mapped[list] = mapped_column(JSONType, default=list)
    category: Mapped[str | None] = mapped_column(String(64))
    products: Mapped[list] = mapped_column(JSONType, default=list)
    channels: Mapped[list] = mapped_column(JSONType, default=list)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    live_version: Mapped[int | None] = mapped_column(Integer)
    index_rev: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArticleVersion(Base):
    """One saved version of an article (history; the approved one is what gets answered)."""

    __tablename__ = "kb_article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version", name="uq_kb_versions_article_version"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    question: Mapped[str] = mapped_column(Text)
    paraphrases: Mapped[list] = mapped_column(JSONType, default=list)
    category: Mapped[str | None] = mapped_column(String(64))
    products: Mapped[list] = mapped_column(JSONType, default=list)
    channels: Mapped[list] = mapped_column(JSONType, default=list)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    changed_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnswerFeedback(Base):
    """An agent's verdict on a suggestion: ``used`` or ``not_relevant`` for this question."""

    __tablename__ = "kb_feedback"
    __table_args__ = (Index("ix_kb_feedback_article", "article_id"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id", ondelete="CASCADE"))
    article_version: Mapped[int | None] = mapped_column(Integer)
    query: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(16))
    user: Mapped[str | None] = mapped_column(String(64))
    customer_ref: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KnowledgeState(Base):
    """The knowledge base's change counter (one row, id 1)."""

    __tablename__ = "kb_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Stored quality checks of phone calls: one check per call, its findings, supervisors' verdicts.

A check keeps the call's turns (masked) so a reviewer reads the transcript the rules saw, and
the version (a hash) of the rule file that produced it. A review is a supervisor's verdict on
one finding: confirmed, or overturned with a reason; the calibration view counts them per rule.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime, utcnow


class QaCheck(Base):
    __tablename__ = "qa_checks"
    __table_args__ = (Index("ix_qa_checks_agent_started", "agent_ref", "call_started_at"),
                      Index("ix_qa_checks_queue", "needs_review", "call_started_at"))

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), unique=True)
    agent_ref: Mapped[str | None] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(64))
    call_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    score: Mapped[float] = mapped_column(Float)
    failed_mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    sampled: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    turns: Mapped[list] = mapped_column(JSONType, default=list)
    rules_version: Mapped[str] = mapped_column(String(16))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QaFinding(Base):
    __tablename__ = "qa_findings"
    __table_args__ = (UniqueConstraint("check_id", "rule", name="uq_qa_findings_check_rule"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("qa_checks.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    passed: Mapped[bool] = mapped_column(Boolean)
    evidence: Mapped[str | None] = mapped_column(Text)
    start_s: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(String(200))


class QaReview(Base):
    __tablename__ = "qa_reviews"
    __table_args__ = (UniqueConstraint("finding_id", name="uq_qa_reviews_finding"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("qa_findings.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(16))  # confirm | overturn
    reason: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(64))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

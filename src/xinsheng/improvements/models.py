"""Improvement actions and the customers who raised them.

An action names its problem as ``problem_kind`` + ``problem_ref``: a VOC topic code
(``mobile_banking.login_failure``; a parent code covers its children), a touchpoint
(``channel`` or ``channel/event``) or a journey step (``journey/step``). ``owner`` is a
username (a person in ``users``). States: planned → in_progress → shipped → verified, and
cancelled from any state before verified. Each linked customer row records whether and when
they were told of the shipped change (``told_at`` with the outbox row, or ``skipped``).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, UTCDateTime, utcnow

STATES = ("planned", "in_progress", "shipped", "verified", "cancelled")
PROBLEM_KINDS = ("topic", "touchpoint", "journey_step")


class ImprovementAction(Base):
    __tablename__ = "improvement_actions"
    __table_args__ = (Index("ix_improvement_actions_state", "state", "promised_date"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)  # IA0001
    title: Mapped[str] = mapped_column(String(200))
    problem_kind: Mapped[str] = mapped_column(String(16))
    problem_ref: Mapped[str] = mapped_column(String(128))
    change_zh: Mapped[str] = mapped_column(Text)
    change_en: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(64))
    promised_date: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="planned")
    shipped_on: Mapped[date | None] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(16))  # topic_rate, csat, ces
    window_days: Mapped[int] = mapped_column(Integer, default=14)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImprovementCustomer(Base):
    __tablename__ = "improvement_customers"
    __table_args__ = (UniqueConstraint("action_id", "customer_id", name="uq_improvement_customers"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("improvement_actions.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # contact, survey, given
    raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notification_id: Mapped[int | None] = mapped_column(Integer)
    skipped: Mapped[str | None] = mapped_column(String(32))  # opted_out

"""Cases (工单): complaints, requests and inquiries, with their SLA clocks and history.

A case belongs to one customer, sits at a service tier (1 front line 前台坐席, 2 business
support 业务支持, 3 expert 专家坐席) and an authority level of the complaint pyramid
(L1 front line … L4 head office / regulator-referred), and carries the clocks of the SLA
policy that matched it when it was accepted. Every action is a ``CaseEvent``; every
firing of an escalation rule is one ``CaseEscalation`` row, unique per (case, rule,
cause), so a rule fires once per cause even with two workers sweeping at once.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (Boolean, Float, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime, utcnow

OPEN_STATUSES = ("open", "in_progress", "pending_customer")
STATUSES = (*OPEN_STATUSES, "decided", "closed")
KINDS = ("complaint", "request", "inquiry")
SLA_STATES = ("on_track", "warning", "breached")


class Case(Base):
    """A case (工单): a complaint or request that must be resolved by a due time."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_customer_status", "customer_id", "status"),
        Index("ix_cases_queue", "status", "tier", "owner_user_id"),
        Index("ix_cases_warn", "sla_state", "warn_at"),
        Index("ix_cases_due", "status", "due_at"),
        Index("ix_cases_ack_due", "acknowledged_at", "ack_due_at"),
        Index("ix_cases_next_progress", "next_progress_at"),
        Index("ix_cases_customer_topic", "customer_id", "topic", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32), default="complaint")
    title: Mapped[str] = mapped_column(Text)
    #: the customer's words that opened the case, masked like every stored text
    text: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32), default="open")
    tier: Mapped[int] = mapped_column(Integer, default=1)
    authority_level: Mapped[int] = mapped_column(Integer, default=1)
    topic: Mapped[str | None] = mapped_column(String(64))
    regulator_referred: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source_interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    #: who or what opened it: a username, ``api:<token>``, ``rule:<code>`` (auto-open on ingest)
    opened_by: Mapped[str | None] = mapped_column(String(128))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # --- clocks (from the SLA policy ``policy_code`` at acceptance) ---
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    policy_code: Mapped[str | None] = mapped_column(String(64))
    ack_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ack_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_state: Mapped[str] = mapped_column(String(16), default="on_track")
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    next_progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # --- decision and closure ---
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    compensation_cny: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    decided_by: Mapped[str | None] = mapped_column(String(128))
    root_cause: Mapped[str | None] = mapped_column(String(32))
    customer_accepted: Mapped[bool | None] = mapped_column(Boolean)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # --- queue order ---
    repeat_contacts: Mapped[int] = mapped_column(Integer, default=0)
    #: higher first in queues: escalations, emotion, segment, regulatory risk (set by rules)
    risk_score: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    attributes: Mapped[dict] = mapped_column(JSONType, default=dict)


class CaseEvent(Base):
    """One thing that happened to a case (opened, escalated, note, decided …), oldest first."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: a username, ``token:<name>``, ``system`` (the sweep / ingest rules)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    #: free text a person wrote (a note, a reason, a resolution), masked for personal data
    text: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(JSONType, default=dict)


class CaseEscalation(Base):
    """One firing of an escalation rule, once per (case, rule, cause)."""

    __tablename__ = "case_escalations"
    __table_args__ = (UniqueConstraint("case_id", "rule", "cause", name="uq_case_escalations_cause"),
                      Index("ix_case_escalations_rule_at", "rule", "at"))

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(32))
    #: what made it fire, e.g. ``due:2026-10-16T08:00Z`` or ``interaction:123``
    cause: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    to_tier: Mapped[int | None] = mapped_column(Integer)
    to_level: Mapped[int | None] = mapped_column(Integer)


class CaseContact(Base):
    """A contact attached to a case: the one that opened it and every repeat contact."""

    __tablename__ = "case_contacts"
    __table_args__ = (UniqueConstraint("case_id", "interaction_id", name="uq_case_contacts"),
                      Index("ix_case_contacts_interaction", "interaction_id"))

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseConfig(Base):
    """A supervisor's edited copy of a cases data file (calendar, policies, authority, rules,
    notification templates); absent: the configured or shipped file is used."""

    __tablename__ = "case_config"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Cases: complaints and service requests, with their owner and SLA clock."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime, utcnow

OPEN_STATUSES = ("open", "in_progress", "pending_customer")


class Case(Base):
    """A case (工单): a complaint or request that must be resolved by a due time."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_customer_status", "customer_id", "status"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32), default="complaint")
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), default="open")
    tier: Mapped[int] = mapped_column(Integer, default=1)
    authority_level: Mapped[int] = mapped_column(Integer, default=1)
    topic: Mapped[str | None] = mapped_column(String(64))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source_interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attributes: Mapped[dict] = mapped_column(JSONType, default=dict)

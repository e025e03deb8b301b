"""What happened to each offer: offered, accepted, declined, complained (uplift and fatigue read it)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, UTCDateTime, utcnow

OUTCOMES = ("offered", "accepted", "declined", "complained")


class NbaOutcome(Base):
    __tablename__ = "nba_outcomes"
    __table_args__ = (Index("ix_nba_outcomes_customer", "customer_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    offer_code: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    holdout: Mapped[bool] = mapped_column(default=False)
    actor: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""The profiles domain's tables: holdings snapshots and one profile row per customer."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime, utcnow

#: product categories of CONTRACT.md "Profiles and next-best-action"
CATEGORIES = ("deposit", "wealth", "fund", "insurance", "loan", "credit_card", "other")
#: categories whose balance is money the customer owes, not an asset
LIABILITIES = frozenset({"loan", "credit_card"})


class Holding(Base):
    """One balance of one customer's product on one day (``as_of``). A product keeps its last
    balance until a newer snapshot of it arrives; a closed product is sent with balance 0."""

    __tablename__ = "holdings"
    __table_args__ = (
        UniqueConstraint("customer_id", "as_of", "product", name="uq_holdings_customer_day_product"),
        Index("ix_holdings_as_of", "as_of"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    as_of: Mapped[date] = mapped_column(Date)
    product: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(16))
    balance_cny: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    risk_level: Mapped[int | None] = mapped_column(Integer)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomerProfile(Base):
    """The living profile (profiles/features.py): ``state`` holds the facts folded in as
    contacts and holdings arrive; the typed columns hold a few values derived from it at
    ``updated_at``, for grouping in SQL. ``features`` is no longer written (left ``{}``): every
    feature is derived from the state when read (``store.read_profiles``), so never stale."""

    __tablename__ = "customer_profiles"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[dict] = mapped_column(JSONType, default=dict)
    features: Mapped[dict] = mapped_column(JSONType, default=dict)
    value_tier: Mapped[str | None] = mapped_column(String(32), index=True)
    lifecycle: Mapped[str | None] = mapped_column(String(16), index=True)
    aum_cny: Mapped[float | None] = mapped_column(Float)
    churn_risk: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

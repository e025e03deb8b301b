"""The outbox table: one row per notification, from enqueue to sent, dead or cancelled."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime, utcnow

#: pending → sending → sent; sending → pending (retry) or dead (last attempt, permanent error);
#: pending → cancelled (over the weekly limit, or by an operator).
STATUSES = ("pending", "sending", "sent", "dead", "cancelled")
#: statuses that use up the customer's weekly allowance
COUNTED = ("pending", "sending", "sent")


class Notification(Base):
    """A message to one customer (an outbox row).

    ``idempotency_key`` names the event ("case:C123:accepted"), so enqueueing the same
    event twice stores one row, and the receiver gets it as the ``Idempotency-Key``
    header to drop a repeat after a worker crash. ``not_before`` is when it may first
    go out (quiet hours and the weekly limit push it later); ``next_attempt_at`` is when
    the next attempt is due (``not_before``, then the retry back-off). ``claimed_by`` and
    ``claimed_until`` are the lease of the worker that is sending it. ``body`` is the
    rendered, masked text; ``reason`` says why it was postponed or cancelled.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="uq_notifications_idempotency_key"),
        Index("ix_notifications_due", "status", "next_attempt_at"),
        Index("ix_notifications_lease", "status", "claimed_until"),
        Index("ix_notifications_customer", "customer_id", "not_before"),
        Index("ix_notifications_subject", "subject_ref"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    subject_ref: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))
    adapter: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

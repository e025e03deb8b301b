"""The audit log: append-only, each entry chained to the previous one by a SHA-256 hash."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime, utcnow


class AuditEntry(Base):
    """Who did what to which record, when, from where and why.

    ``seq`` numbers the entries without gaps; ``hash`` is SHA-256 over the entry's
    fields and ``prev_hash``, so changing or deleting an entry breaks the chain
    (``xinsheng audit verify``). The application never updates or deletes an entry;
    the database refuses updates (trigger), and only retention removes the oldest.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_target", "target_type", "target_ref"),
        Index("ix_audit_log_actor", "actor"),
        Index("ix_audit_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(160))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_ref: Mapped[str | None] = mapped_column(String(160))
    reason: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSONType, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

"""The audit log: append-only, each entry chained to the previous one by an HMAC-SHA256
under a key kept outside the database (audit/keys.py), and a signed head record."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime, utcnow


class AuditEntry(Base):
    """Who did what to which record, when, from where and why.

    ``seq`` numbers the entries without gaps; ``hash`` is HMAC-SHA256 (key:
    ``XINSHENG_AUDIT_KEY``) over the entry's fields and ``prev_hash``, so changing,
    inserting or deleting an entry breaks the chain, and without the key it cannot be
    computed again (``xinsheng audit verify``). The database refuses updates and deletes
    (triggers); only retention removes the oldest entries, through a path the delete
    trigger allows, after writing an ``audit.purged`` checkpoint entry.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_target", "target_type", "target_ref"),
        Index("ix_audit_log_actor", "actor"),
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_action_ip_at", "action", "ip", "at"),  # sign-in failures per address
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


class AuditHead(Base):
    """The newest entry's ``seq`` and ``hash``, signed (``mac``: HMAC under the audit key).

    One row (``id`` 1), written in the same transaction as each entry. Entries removed
    from the end of the log leave the head naming an entry that is no longer there; an
    append always continues from the head, never from whatever entry is last, so a
    removed tail stays visible as a gap.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditControl(Base):
    """One row (``id`` 1): ``retention`` is 1 only inside retention's own transaction, while
    it removes old entries; the delete triggers of ``audit_log`` refuse otherwise. Set and
    cleared in that transaction, so no other connection ever sees it set
    (``audit.actions.sanctioned_removal``)."""

    __tablename__ = "audit_control"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    retention: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

"""Customers and their preference / taboo notes (偏好与禁忌)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinsheng.db import Base, BigIntKey, UTCDateTime, utcnow
from xinsheng.privacy.crypto import EncryptedAttributes, EncryptedText

CHANNELS = ("ivr", "phone", "app", "web", "wechat", "chat", "email", "sms", "branch", "social")


class Customer(Base):
    """A bank customer, keyed by the bank's customer number (``customer_ref``).

    ``is_placeholder`` marks a customer created because a contact named an unknown
    ``customer_ref``; a later customer record fills it in. ``name`` is personal data:
    stored encrypted (privacy/crypto.py), found by exact name through ``name_index``;
    so are the values of ``attributes`` under ``XINSHENG_PII_ATTRIBUTE_KEYS`` (phone, ID
    number …), decrypted only for viewers who may see personal data.
    """

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    customer_ref: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(EncryptedText)
    name_index: Mapped[str | None] = mapped_column(String(40), index=True)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(1))
    region: Mapped[str | None] = mapped_column(String(64))
    segment: Mapped[str | None] = mapped_column(String(32))
    risk_level: Mapped[int | None] = mapped_column(Integer)
    preferred_channel: Mapped[str | None] = mapped_column(String(16))
    advisor_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    attributes: Mapped[dict] = mapped_column(EncryptedAttributes, default=dict)
    is_placeholder: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    notes: Mapped[list[CustomerNote]] = relationship(
        back_populates="customer", order_by="CustomerNote.id", cascade="all, delete-orphan"
    )


class CustomerNote(Base):
    """A free-form preference or taboo that every channel sees (e.g. 怕坐飞机).

    Notes often carry health or family facts (sensitive personal information), so
    ``text`` is stored encrypted like the name.
    """

    __tablename__ = "customer_notes"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(EncryptedText)
    source: Mapped[str] = mapped_column(String(32), default="ingest")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="notes")

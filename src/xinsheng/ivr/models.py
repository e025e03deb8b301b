"""The IVR domain's tables: each caller's behaviour state, the menu tree's versions, settings."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime, utcnow


class IvrCallerState(Base):
    """One small row per caller, updated by the ingest hook (``ivr/flows.py``) as contacts
    arrive: decayed option weights and habits per node and option, recent events on other
    channels (``ivr/features.py``). The menu reads this row only, never the history.
    ``phone_index``: keyed hash (blind index) of the caller's phone number, never the number."""

    __tablename__ = "ivr_caller_state"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    phone_index: Mapped[str | None] = mapped_column(String(40), index=True)
    state: Mapped[dict] = mapped_column(JSONType, default=dict)
    contacts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IvrTreeVersion(Base):
    """A saved version of the menu tree (YAML); the newest one is in force."""

    __tablename__ = "ivr_tree_versions"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    source: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(160))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IvrSetting(Base):
    """Designer settings by key (``ab_static_share``: the share of callers who hear the static menu)."""

    __tablename__ = "ivr_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSONType, default=dict)
    updated_by: Mapped[str | None] = mapped_column(String(160))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

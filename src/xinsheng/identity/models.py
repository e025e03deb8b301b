"""People who use xinsheng (agents, handlers, analysts, advisors ...)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime, utcnow

ROLES = (
    "agent", "support", "expert", "complaint_handler", "supervisor", "analyst",
    "advisor", "knowledge_manager", "ivr_designer", "admin", "system",
)


class User(Base):
    """A person with a role; ``agent_ref`` / ``advisor_ref`` link them to contacts and clients."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(32))
    authority_level: Mapped[int | None] = mapped_column(Integer)
    agent_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    advisor_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    skills: Mapped[list] = mapped_column(JSONType, default=list)
    password_hash: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

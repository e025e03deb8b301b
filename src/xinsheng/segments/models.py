"""The segments of the last refresh: rule segments and clusters, with sizes and experience figures."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, UTCDateTime, utcnow

_JSON = JSON().with_variant(postgresql.JSONB(), "postgresql")


class Segment(Base):
    """``kind`` rule or cluster; a cluster keeps its ``centroid`` (standardised features) so the
    next refresh can match its new clusters to these and keep their codes. ``active`` false: a
    cluster no refresh found again (kept so its code is never reused)."""

    __tablename__ = "segments"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[dict] = mapped_column(_JSON, default=dict)
    size: Mapped[int] = mapped_column(default=0)
    centroid: Mapped[list | None] = mapped_column(_JSON, nullable=True)
    details: Mapped[dict] = mapped_column(_JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

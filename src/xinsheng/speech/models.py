"""The turns of a transcribed recording, kept for the quality checks."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from xinsheng.db import Base, BigIntKey, JSONType, UTCDateTime, utcnow


class SpeechTranscript(Base):
    """One recording's transcript: its interaction (whose ``text`` is the masked transcript)
    and its turns ``[{"speaker", "start", "end", "text"}]``, texts masked like the interaction's.
    ``audio`` is the recording, Fernet-encrypted, only when ``XINSHENG_SPEECH_KEEP_AUDIO`` is on."""

    __tablename__ = "speech_transcripts"

    interaction_id: Mapped[int] = mapped_column(
        BigIntKey, ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True)
    turns: Mapped[list] = mapped_column(JSONType, default=list)
    duration: Mapped[float] = mapped_column(Float)
    layout: Mapped[str] = mapped_column(String(8))  # stereo | mono
    source_rate: Mapped[int | None] = mapped_column(Integer)
    engine: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(128))
    file_name: Mapped[str | None] = mapped_column(String(255))
    audio: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

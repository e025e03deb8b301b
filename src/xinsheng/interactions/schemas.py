"""API shapes of interactions and the customer timeline."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AnalysisRead(BaseModel):
    lang: str | None = None
    sentiment: dict | None = None
    emotions: dict = {}
    topics: list = []
    flags: list = []
    keywords: list = []


class TimelineItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    external_id: str
    source: str
    channel: str
    started_at: datetime
    ended_at: datetime | None = None
    direction: str
    event: str | None = None
    agent_ref: str | None = None
    text: str | None = None
    outcome: str | None = None
    attributes: dict = {}
    analysis: AnalysisRead | None = None


class TimelinePage(BaseModel):
    items: list[TimelineItem]
    next_before: datetime | None = None


class IngestError(BaseModel):
    line: int
    external_id: str | None = None
    error: str


class IngestResult(BaseModel):
    """Per-item results, as ``xinsheng ingest --json`` (``line`` = 1-based index in the list)."""

    accepted: int
    duplicates: int
    rejected: int
    errors: list[IngestError]

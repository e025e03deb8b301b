"""API shapes of the audit log."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class AuditEntryRead(BaseModel):
    seq: int
    at: datetime
    actor: str
    actor_role: str | None = None
    action: str
    target_type: str | None = None
    target_ref: str | None = None
    reason: str | None = None
    ip: str | None = None
    detail: dict = {}
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    next_before_seq: int | None = None


class ChainProblem(BaseModel):
    seq: int | None = None
    problem: str


class ChainReportRead(BaseModel):
    ok: bool
    entries: int
    first_seq: int | None = None
    last_seq: int | None = None
    head_hash: str | None = None
    purged_through: int | None = None
    problems: list[ChainProblem] = []

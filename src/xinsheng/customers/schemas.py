"""API shapes of customers."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class NoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    text: str
    source: str
    created_at: datetime


class CaseSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    case_ref: str
    kind: str
    title: str
    status: str
    tier: int
    opened_at: datetime
    due_at: datetime | None = None


class CustomerRead(BaseModel):
    """A customer's profile as every channel sees it: facts, notes and open cases."""

    model_config = ConfigDict(from_attributes=True)

    customer_ref: str
    name: str | None = None
    birth_year: int | None = None
    age: int | None = None
    gender: str | None = None
    region: str | None = None
    segment: str | None = None
    risk_level: int | None = None
    preferred_channel: str | None = None
    advisor_ref: str | None = None
    attributes: dict = {}
    is_placeholder: bool = False
    notes: list[NoteRead] = []
    open_cases: list[CaseSummary] = []
    contacts_by_channel: dict[str, int] = {}
    masked: bool = False


class UnmaskRequest(BaseModel):
    """Why the personal data must be seen in clear (recorded in the audit log)."""

    reason: str = Field(min_length=5, max_length=500)


class CustomerListItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    customer_ref: str
    name: str | None = None
    segment: str | None = None
    region: str | None = None
    birth_year: int | None = None


class CustomerPage(BaseModel):
    """A page of ``GET /api/v1/customers``: pass ``next_before`` as ``before`` for the next."""

    items: list[CustomerListItem]
    next_before: str | None = None

"""Request bodies of the improvements API (and the CLI and form, which build the same)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ProblemKind = Literal["topic", "touchpoint", "journey_step"]
Metric = Literal["topic_rate", "csat", "ces", "none"]
State = Literal["planned", "in_progress", "shipped", "verified", "cancelled"]
MAX_CHANGE = 2000


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ActionCreate(_Body):
    title: str = Field(min_length=1, max_length=200)
    problem_kind: ProblemKind
    problem_ref: str = Field(min_length=1, max_length=128,
                             description="topic code, channel[/event] or journey/step")
    change_zh: str = Field(min_length=1, max_length=MAX_CHANGE, description="the change, in Chinese (or the one text)")
    change_en: str | None = Field(None, max_length=MAX_CHANGE)
    owner: str = Field(min_length=1, max_length=64, description="username of the person responsible")
    promised_date: date
    metric: Metric | None = Field(None, description="default: topic_rate for a topic, csat for a touchpoint")
    window_days: int = Field(14, ge=1, le=90)
    customer_refs: list[str] = Field(default_factory=list, max_length=10_000,
                                     description="customers who raised it, given explicitly")
    raised_since: date | None = Field(None, description="also link who raised it from this day (local) …")
    raised_until: date | None = Field(None, description="… up to this day, inclusive (default: today)")

    @field_validator("change_en")
    @classmethod
    def _blank_is_none(cls, v: str | None) -> str | None:
        return v or None


class ActionUpdate(_Body):
    title: str | None = Field(None, min_length=1, max_length=200)
    change_zh: str | None = Field(None, min_length=1, max_length=MAX_CHANGE)
    change_en: str | None = Field(None, max_length=MAX_CHANGE)
    owner: str | None = Field(None, min_length=1, max_length=64)
    promised_date: date | None = None
    window_days: int | None = Field(None, ge=1, le=90)


class StateChange(_Body):
    state: State
    shipped_on: date | None = Field(None, description="with shipped: the local day it shipped (default today)")


class LinkCustomers(_Body):
    customer_refs: list[str] = Field(default_factory=list, max_length=10_000)
    raised_since: date | None = None
    raised_until: date | None = None

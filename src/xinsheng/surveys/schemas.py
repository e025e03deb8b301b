"""``POST /api/v1/survey-responses`` (CONTRACT.md "Surveys") and the file rows of
``xinsheng ingest --kind survey-responses``: the same fields."""
from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from xinsheng.customers.models import CHANNELS

#: the longest comment kept (a longer one is refused, 422 naming ``comment``)
MAX_COMMENT = 2000
Channel = Literal[CHANNELS]  # type: ignore[valid-type]


class ResponseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    survey: str = Field(min_length=1, max_length=32, description="nps, csat, ces or a survey's code")
    score: int = Field(description="NPS 0–10, CSAT 1–5, CES 1–7")
    comment: str | None = Field(None, max_length=MAX_COMMENT)
    customer_ref: str | None = Field(None, max_length=64)
    channel: Channel | None = None
    answered_at: AwareDatetime | None = None
    interaction_external_id: str | None = Field(None, max_length=128)
    invitation: str | None = Field(None, max_length=64, description="the link's token, or the invitation's id")

    @field_validator("comment", "customer_ref", "interaction_external_id", "invitation")
    @classmethod
    def _blank_is_none(cls, v: str | None) -> str | None:
        return v or None


class ResponseRead(BaseModel):
    id: int
    survey: str
    metric: str
    score: int
    comment: str | None
    customer_ref: str | None
    channel: str | None
    answered_at: str
    topics: list[dict]
    followup_case_ref: str | None
    followup_state: Literal["open", "closed_told", "closed_not_told"] | None = Field(
        None, description="the follow-up case: open; closed and the customer told what was done; closed, not told")
    duplicate: bool = False

"""API shapes of the knowledge base and the answer bot."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from xinsheng.customers.models import CHANNELS
from xinsheng.knowledge.models import STATUSES
from xinsheng.knowledge.taxonomy import CATEGORIES

Status = Literal["draft", "pending", "approved", "retired"]
Verdict = Literal["used", "not_relevant"]


def _clean_list(values: list[str] | None) -> list[str]:
    if values is not None and not isinstance(values, (list, tuple)):
        raise ValueError("expected a list of strings")  # a 422 naming the field, not a 500
    out: list[str] = []
    for v in values or []:
        v = str(v).strip()
        if v and v not in out:
            out.append(v)
    return out


class _ArticleFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("paraphrases", "products", "channels", mode="before", check_fields=False)
    @classmethod
    def _lists(cls, v):
        if isinstance(v, str):  # CSV cells and form fields: one per line or "|"-separated
            v = [p for line in v.splitlines() for p in line.split("|")]
        return _clean_list(v)

    @field_validator("channels", check_fields=False)
    @classmethod
    def _channels(cls, v: list[str]) -> list[str]:
        unknown = [c for c in v if c not in CHANNELS]
        if unknown:
            raise ValueError(f"unknown channel {unknown[0]!r}; one of {', '.join(CHANNELS)}")
        return v

    @field_validator("category", check_fields=False)
    @classmethod
    def _category(cls, v: str | None) -> str | None:
        if v and v not in CATEGORIES:
            raise ValueError(f"unknown category {v!r}; one of {', '.join(CATEGORIES)}")
        return v or None

    @field_validator("valid_from", "valid_to", check_fields=False)
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.tzinfo is None:
            raise ValueError("timestamp has no UTC offset (e.g. 2026-01-01T00:00:00+08:00)")
        return v

    @model_validator(mode="after")
    def _window(self):
        vf, vt = getattr(self, "valid_from", None), getattr(self, "valid_to", None)
        if vf is not None and vt is not None and vt <= vf:
            raise ValueError("valid_to must be after valid_from")
        return self


class ArticleCreate(_ArticleFields):
    """A new article (a draft unless ``status`` says otherwise, e.g. on import)."""

    ref: str | None = Field(None, max_length=64, description="the bank's article id; generated when absent")
    title: str = Field(min_length=1, max_length=500)
    body: str = Field("", max_length=100_000, description="the answer, Markdown")
    question: str = Field(min_length=1, max_length=500, description="the standard question (标准问)")
    paraphrases: list[str] = Field(default_factory=list, description="other ways customers ask it (相似问)")
    category: str | None = None
    products: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list, description="where it may be answered; empty: everywhere")
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    owner: str | None = Field(None, max_length=64)
    status: Status = "draft"
    note: str | None = Field(None, max_length=1000, description="what changed (version history)")


class ArticleUpdate(_ArticleFields):
    """Changes to an article; every update is a new version (a draft until approved)."""

    title: str | None = Field(None, min_length=1, max_length=500)
    body: str | None = Field(None, max_length=100_000)
    question: str | None = Field(None, min_length=1, max_length=500)
    paraphrases: list[str] | None = None
    category: str | None = None
    products: list[str] | None = None
    channels: list[str] | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    owner: str | None = Field(None, max_length=64)
    note: str | None = Field(None, max_length=1000)


class _ContentRead(BaseModel):
    """The fields an article and each of its saved versions share."""

    model_config = ConfigDict(from_attributes=True)

    title: str
    body: str
    question: str
    paraphrases: list[str]
    category: str | None
    products: list[str]
    channels: list[str]
    valid_from: datetime | None
    valid_to: datetime | None
    owner: str | None
    status: Status


class ArticleRead(_ContentRead):
    id: int
    ref: str
    version: int
    live_version: int | None = Field(description="the approved version customers are answered with")
    created_at: datetime
    updated_at: datetime


class ArticlePage(BaseModel):
    items: list[ArticleRead]
    total: int


class VersionRead(_ContentRead):
    version: int
    changed_by: str | None
    note: str | None
    created_at: datetime


class WorkflowAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=1000)


class Why(BaseModel):
    """Why a suggestion matched: shared words, synonyms that made them shared, feedback."""

    terms: list[str] = []
    synonyms: list[str] = []
    feedback: int = Field(0, description="agents' net votes for this article on this question")
    uncovered: list[str] = Field([], description="banking words of the question the article never mentions")


class Suggestion(BaseModel):
    article_id: int
    ref: str
    title: str
    question: str
    body: str
    category: str | None
    version: int
    confidence: float
    matched_question: str
    matched_kind: str
    why: Why


class SearchResult(BaseModel):
    query: str
    items: list[Suggestion]


class FeedbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    article_id: int
    query: str = Field(min_length=1, max_length=2000)
    verdict: Verdict
    customer_ref: str | None = Field(None, max_length=64)
    channel: str | None = Field(None, max_length=16)


class FeedbackRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    article_id: int
    verdict: Verdict
    query: str
    user: str | None
    created_at: datetime


class AssistQuestion(BaseModel):
    """A customer's question to the self-service bot."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    question: str = Field(min_length=1, max_length=2000)
    customer_ref: str | None = Field(None, max_length=64)
    channel: str | None = Field(None, description=f"one of {', '.join(CHANNELS)}")

    @field_validator("channel")
    @classmethod
    def _channel(cls, v: str | None) -> str | None:
        if v is not None and v not in CHANNELS:
            raise ValueError(f"unknown channel {v!r}; one of {', '.join(CHANNELS)}")
        return v


class AnswerBody(BaseModel):
    article_id: int
    ref: str
    title: str
    body: str
    question: str
    version: int
    confidence: float


class Choice(BaseModel):
    article_id: int
    ref: str
    title: str
    question: str
    confidence: float


class Handoff(BaseModel):
    """What the agent who takes over sees: the question, the candidates, the customer."""

    question: str
    candidates: list[Choice]
    customer: dict | None = None


class AssistAnswer(BaseModel):
    decision: Literal["answer", "clarify", "handoff"]
    answer: AnswerBody | None = None
    choices: list[Choice] = []
    handoff: Handoff | None = None
    reason: str = Field(description="confident | ambiguous | low_confidence | no_match | asked_for_person | angry"
                        " | case_status (the status of the customer's open cases, in `message`)")
    message: str = ""


assert set(STATUSES) == {"draft", "pending", "approved", "retired"}

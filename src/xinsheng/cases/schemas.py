"""API shapes of cases (工单): open, read, page, and the actions on a case.

``CaseAction`` is a union discriminated by ``action``; each member checks its own fields,
so a bad body answers 422 naming the field (``reason`` empty, ``compensation_cny``
negative or not a number, an unknown ``root_cause``) before anything is written.
"""
from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import (AwareDatetime, BaseModel, ConfigDict, Field, field_serializer, field_validator,
                      model_validator)

from xinsheng.cases.models import KINDS, SLA_STATES, STATUSES
from xinsheng.customers.models import CHANNELS

Kind = Literal[KINDS]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]
SlaState = Literal[SLA_STATES]  # type: ignore[valid-type]
Channel = Literal[CHANNELS]  # type: ignore[valid-type]
Queue = Literal["mine", "tier", "all"]
StatusFilter = Literal["open", "closed", "any"]

#: root causes of closed complaints (溯源整改): code -> (中文, English)
ROOT_CAUSES: dict[str, tuple[str, str]] = {
    "product_design": ("产品设计", "Product design"),
    "process": ("业务流程", "Process"),
    "system_fault": ("系统故障", "System fault"),
    "staff_conduct": ("员工行为", "Staff conduct"),
    "communication": ("沟通解释", "Communication"),
    "third_party": ("第三方原因", "Third party"),
    "customer_misunderstanding": ("客户误解", "Customer misunderstanding"),
    "other": ("其他", "Other"),
}
RootCause = Literal[tuple(ROOT_CAUSES)]  # type: ignore[valid-type]
MAX_TEXT = 20_000
MAX_AMOUNT = Decimal("999999999999.99")  # what Numeric(14, 2) holds

Reason = Annotated[str, Field(min_length=1, max_length=2000, description="why; required, not empty")]


class CaseCreate(BaseModel):
    """``POST /api/v1/cases``: a case for a known customer (CONTRACT.md "Cases")."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    customer_ref: str = Field(min_length=1, max_length=64)
    kind: Kind = "complaint"
    title: str = Field(min_length=1, max_length=500)
    channel: Channel
    topic: str | None = Field(None, max_length=64, description="a VOC taxonomy code; default: from the text")
    text: str | None = Field(None, max_length=MAX_TEXT, description="the customer's words; masked before storage")
    accepted_at: AwareDatetime | None = Field(None, description="ISO 8601 with offset; default now")
    source_external_id: str | None = Field(None, max_length=128,
                                           description="the contact it came from (an interaction's external_id)")
    regulator_referred: bool = False

    @field_validator("topic", "text", "source_external_id")
    @classmethod
    def _blank_is_none(cls, v: str | None) -> str | None:
        return v or None


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    text: str | None = None
    detail: dict = {}


class EscalationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    rule: str
    reason: str
    at: datetime
    to_tier: int | None = None
    to_level: int | None = None


class CaseRead(BaseModel):
    """A case as the API shows it: the CONTRACT fields first, then the details."""

    case_ref: str
    customer_ref: str | None
    kind: str
    status: Status
    tier: int
    authority_level: int
    topic: str | None
    owner: str | None
    accepted_at: datetime | None
    ack_due_at: datetime | None
    due_at: datetime | None
    sla_state: SlaState
    escalations: list[EscalationRead] = []
    repeat_contacts: int = 0
    events: list[EventRead] = []
    # details
    title: str
    text: str | None = None
    channel: str | None = None
    regulator_referred: bool = False
    policy_code: str | None = None
    opened_by: str | None = None
    opened_at: datetime
    acknowledged_at: datetime | None = None
    extensions: int = 0
    decided_at: datetime | None = None
    decided_by: str | None = None
    resolution: str | None = None
    compensation_cny: Decimal | None = None
    root_cause: str | None = None
    customer_accepted: bool | None = None
    closed_at: datetime | None = None
    risk_score: float = 0.0
    source_external_id: str | None = None

    @field_serializer("compensation_cny")
    def _amount(self, v: Decimal | None) -> float | None:
        return None if v is None else float(v)


class CasePage(BaseModel):
    """A page of cases; follow ``next_before`` (``queue=all``) for older ones."""

    items: list[CaseRead]
    next_before: datetime | None = None
    #: how many cases the query matches (work queues answer their top ``limit`` only)
    total: int | None = None


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Acknowledge(_Action):
    action: Literal["acknowledge"]


class Assign(_Action):
    action: Literal["assign"]
    user: str = Field(min_length=1, max_length=64, description="a username of a role that works cases")


class Escalate(_Action):
    action: Literal["escalate"]
    to_tier: Literal[2, 3] | None = None
    to_level: int | None = Field(None, ge=1, le=9)
    reason: Reason

    @model_validator(mode="after")
    def _target(self) -> Escalate:
        if self.to_tier is None and self.to_level is None:
            raise ValueError("to_tier or to_level is required")
        return self


class Note(_Action):
    action: Literal["note"]
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class Extend(_Action):
    action: Literal["extend"]
    reason: Reason


def _amount(v: Any) -> Decimal:
    """A CNY amount: a JSON number ≥ 0 with at most two decimals (fen); text is refused."""
    if isinstance(v, bool) or not isinstance(v, (int, float, Decimal)):
        raise ValueError("must be a number (CNY), e.g. 200 or 200.5")
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError("must be a finite number")
    amount = Decimal(str(v))
    if amount < 0:
        raise ValueError("must be 0 or more")
    if amount > MAX_AMOUNT:
        raise ValueError(f"must be at most {MAX_AMOUNT}")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("at most two decimals (fen)")
    return amount.quantize(Decimal("0.01"))


class Decide(_Action):
    action: Literal["decide"]
    resolution: str = Field(min_length=1, max_length=MAX_TEXT)
    compensation_cny: Decimal = Field(Decimal("0.00"), description="a number ≥ 0; 0 for none")

    @field_validator("compensation_cny", mode="before")
    @classmethod
    def _check_amount(cls, v: Any) -> Decimal:
        return _amount(v)


class Close(_Action):
    action: Literal["close"]
    root_cause: RootCause | None = None
    customer_accepted: bool | None = None


class Reopen(_Action):
    action: Literal["reopen"]
    reason: Reason


class AwaitCustomer(_Action):
    """in_progress → pending_customer: the bank waits for the customer (the clocks run on)."""

    action: Literal["await_customer"]
    reason: str | None = Field(None, max_length=2000)


class Resume(_Action):
    """pending_customer → in_progress."""

    action: Literal["resume"]


CaseAction = Annotated[
    Union[Acknowledge, Assign, Escalate, Note, Extend, Decide, Close, Reopen, AwaitCustomer, Resume],
    Field(discriminator="action"),
]
ACTIONS = ("acknowledge", "assign", "escalate", "note", "extend", "decide", "close", "reopen",
           "await_customer", "resume")

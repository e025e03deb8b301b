"""JSON API of next-best-action (CONTRACT.md "Profiles and next-best-action").

Reading a customer's actions needs ``customers.read`` within the caller's row access
(checked before anything is loaded, refusals audited); recording an outcome needs
``nba.write`` too; uplift is a metric (``metrics.read``).
"""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from xinsheng.customers.views import Reader, check_access
from xinsheng.db import utcnow
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.identity.principal import Principal
from xinsheng.nba.service import next_best_actions, record_outcome
from xinsheng.nba.uplift import uplift, uplift_by_action
from xinsheng.web.i18n import pick_lang

router = APIRouter(prefix="/api/v1", tags=["next-best-action"])


class Item(BaseModel):
    code: str
    label: str
    kind: Literal["product", "service", "care"]
    score: float
    reasons: list[str]


class Excluded(BaseModel):
    code: str
    reason: str


class Actions(BaseModel):
    items: list[Item]
    excluded: list[Excluded]


class OutcomeIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    outcome: Literal["offered", "accepted", "declined", "complained"]


class OutcomeOut(BaseModel):
    id: int
    code: str
    outcome: str
    holdout: bool


@router.get("/customers/{customer_ref}/next-best-actions", response_model=Actions)
def read_actions(customer_ref: str, request: Request, session: SessionDep, me: Reader, audit: Audit,
                 limit: Annotated[int, Query(ge=1, le=20)] = 5) -> Actions:
    """The customer's best offers with reasons, and the offers left out with why (a note that
    rules an offer out is its reason)."""
    check_access(session, me, customer_ref, audit)
    ranking = next_best_actions(session, customer_ref, limit=limit, lang=pick_lang(request))
    audit("nba.read", target_type="customer", target_ref=customer_ref,
          detail={"items": [i["code"] for i in ranking.items], "holdout": ranking.holdout})
    return Actions(items=ranking.items, excluded=ranking.excluded)


@router.post("/customers/{customer_ref}/next-best-actions/outcomes", response_model=OutcomeOut,
             status_code=201, dependencies=[require("nba.write")])
def post_outcome(customer_ref: str, body: OutcomeIn, session: SessionDep, me: Reader,
                 audit: Audit) -> OutcomeOut:
    """Record that an offer was made, accepted, declined or complained about."""
    check_access(session, me, customer_ref, audit)
    row = record_outcome(session, customer_ref, body.code, body.outcome, me.actor)
    audit("nba.outcome", target_type="customer", target_ref=customer_ref,
          detail={"code": body.code, "outcome": body.outcome})
    return OutcomeOut(id=row.id, code=row.offer_code, outcome=row.outcome, holdout=row.holdout)


@router.get("/nba/uplift", dependencies=[require("metrics.read")])
def read_uplift(session: SessionDep, _: Annotated[Principal, require("metrics.read")]) -> dict:
    """Accepted and complained shares, offered customers against the hold-out group, with 95 % intervals;
    ``actions``: the same per offer over its target group (the page /nba/uplift)."""
    return {**uplift(session), "actions": uplift_by_action(session, utcnow())}

"""JSON API of surveys: answers (``POST /api/v1/survey-responses``) and the satisfaction
figures (``GET /api/v1/metrics/satisfaction``). CONTRACT.md "Surveys"."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from xinsheng.customers.models import Customer
from xinsheng.db import utcnow
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.errors import InvalidInput, NotFound
from xinsheng.identity.principal import Principal
from xinsheng.surveys.answers import do_answer
from xinsheng.surveys.models import SurveyResponse
from xinsheng.surveys.schemas import ResponseCreate, ResponseRead

router = APIRouter(prefix="/api/v1", tags=["surveys"])
Writer = Annotated[Principal, require("surveys.write")]
Reader = Annotated[Principal, require("surveys.read")]
CustomerReader = Annotated[Principal, require("customers.read")]


def response_read(session, row, duplicate: bool = False) -> ResponseRead:
    from xinsheng.surveys.loop import followup_states

    ref = session.get(Customer, row.customer_id).customer_ref if row.customer_id else None
    return ResponseRead(id=row.id, survey=row.survey, metric=row.metric, score=row.score, comment=row.comment,
                        customer_ref=ref, channel=row.channel, answered_at=row.answered_at.isoformat(),
                        topics=(row.analysis or {}).get("topics", []), followup_case_ref=row.followup_case_ref,
                        followup_state=followup_states(session, [row])[row.id], duplicate=duplicate)


@router.post("/survey-responses", response_model=ResponseRead, status_code=201, responses={
    404: {"description": "unknown invitation, customer or contact (the field is named)"},
    409: {"description": "the invitation was answered before or has expired"},
    422: {"description": "unknown survey, score out of range, comment too long (the field is named)"}})
def post_response(body: ResponseCreate, session: SessionDep, me: Writer, audit: Audit) -> ResponseRead:
    """One answer from the IVR keypad, the app or another survey tool; a bad score from a
    known customer opens a follow-up case (``followup_case_ref``)."""
    row, duplicate = do_answer(session, body, via="api", now=utcnow())
    audit("survey.response", target_type="survey_response", target_ref=str(row.id),
          detail={"survey": row.survey, "followup_case_ref": row.followup_case_ref, "duplicate": duplicate})
    return response_read(session, row, duplicate)


@router.get("/survey-responses/{response_id}", response_model=ResponseRead,
            responses={404: {"description": "no such answer"}})
def get_response(response_id: int, session: SessionDep, me: Reader) -> ResponseRead:
    """One answer and the state of its follow-up (``followup_state``: ``open``,
    ``closed_told`` when the case closed and the customer was told what was done,
    ``closed_not_told`` when they opted out or the message could not go)."""
    row = session.get(SurveyResponse, response_id)
    if row is None:
        raise NotFound(f"survey response {response_id} not found")
    return response_read(session, row)


@router.get("/customers/{customer_ref}/survey-points", responses={
    404: {"description": "no such customer (only said to callers who may see every customer)"}})
def survey_points(customer_ref: str, session: SessionDep, me: CustomerReader, audit: Audit,
                  limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict:
    """The customer's survey points: ``{"balance", "entries", "items": [{"survey", "points",
    "awarded_at", "invitation"}]}``, newest first (one entry per answered invitation)."""
    from xinsheng.customers.service import get_customer
    from xinsheng.customers.views import check_access
    from xinsheng.surveys.points import points_of

    check_access(session, me, customer_ref, audit)
    return {"customer_ref": customer_ref, **points_of(session, get_customer(session, customer_ref).id, limit=limit)}


@router.get("/metrics/satisfaction")
def satisfaction(session: SessionDep, me: Reader,
                 since: Annotated[datetime | None, Query(alias="from", description="ISO 8601 with offset")] = None,
                 until: Annotated[datetime | None, Query(alias="to", description="ISO 8601 with offset")] = None,
                 by: Literal["channel", "segment", "tier"] | None = None,
                 min_n: Annotated[int, Query(ge=1, le=100_000)] = 30) -> dict:
    """NPS, CSAT and CES with their sample sizes and 95 % confidence intervals (hidden below
    ``min_n`` answers, with the reason); ``by`` adds one group per channel, segment or tier."""
    from xinsheng.surveys.metrics import satisfaction_report

    for name, value in (("from", since), ("to", until)):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(f"{name}: timestamp has no UTC offset (e.g. +08:00)", data={"field": name})
    return satisfaction_report(session, since=since, until=until, by=by, min_n=min_n)

"""JSON API of cases (/api/v1/cases): open, list, read, act.

A case the caller may not see answers 404 like one that does not exist. Writes commit,
then their audit entries are written through the request's ``Audit`` (who, from where),
then the case is answered as it is afterwards.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Query

from xinsheng.cases import actions, service
from xinsheng.cases.schemas import CaseAction, CaseCreate, CasePage, CaseRead, Queue, StatusFilter
from xinsheng.customers.access import ensure_customer_visible
from xinsheng.db import utcnow
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.errors import Forbidden, InvalidInput
from xinsheng.identity.principal import Principal

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
Reader = Annotated[Principal, require("cases.read")]
Writer = Annotated[Principal, require("cases.write")]
_404 = {404: {"description": "no such case, or one the caller may not see"}}
_ACTION_ANSWERS = {
    **_404,
    403: {"description": "above the caller's authority level (data.required_level), or 回避"},
    409: {"description": "the case's state does not allow the action"},
    422: {"description": "a field is missing or wrong; the body names it"},
}


@router.post("", response_model=CaseRead, status_code=201,
             responses={404: {"description": "unknown customer or contact"},
                        422: {"description": "a field is missing or wrong; the body names it"}})
def open_case(body: CaseCreate, session: SessionDep, me: Writer, audit: Audit) -> CaseRead:
    """Open a case for a customer, with the clocks of the SLA policy that matches it."""
    if me.row_scope != "all":  # a person opens cases for the customers they may see
        try:
            ensure_customer_visible(session, me, body.customer_ref)
        except Forbidden:
            audit("customer.denied", target_type="customer", target_ref=body.customer_ref)
            raise
    actions.use_auditor(session, audit)
    owner = me.user_id if me.role in actions.CASE_ROLES else None
    case = actions.do_open_case(session, body, actor=me.actor, role=me.role, now=utcnow(), owner_user_id=owner)
    return service.case_read(session, case)


@router.get("", response_model=CasePage)
def list_cases(
    session: SessionDep, me: Reader,
    queue: Queue = "all", status: StatusFilter = "open",
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
    before: Annotated[datetime | None, Query(description="ISO 8601; cases accepted strictly before")] = None,
) -> CasePage:
    """The cases the caller may see. ``queue=mine|tier``: highest risk first, then least time
    left (``total`` says how many match). ``queue=all``: newest accepted first; follow
    ``next_before`` for older ones."""
    if before is not None and before.tzinfo is None:
        raise InvalidInput("before: timestamp has no UTC offset (e.g. +08:00)", data={"field": "before"})
    return service.list_cases(session, me, queue=queue, status=status, limit=limit, before=before)


@router.get("/{case_ref}", response_model=CaseRead, responses=_404)
def read_case(case_ref: str, session: SessionDep, me: Reader, audit: Audit) -> CaseRead:
    """The case, with ``events`` (every action, oldest first) and ``escalations``."""
    case = service.get_case(session, case_ref, me)
    audit("case.read", target_type="case", target_ref=case.case_ref)
    return service.case_read(session, case)


@router.post("/{case_ref}/actions", response_model=CaseRead, responses=_ACTION_ANSWERS)
def act_on_case(case_ref: str, action: Annotated[CaseAction, Body()], session: SessionDep, me: Writer,
                audit: Audit) -> CaseRead:
    """One action (``{"action": "acknowledge"}``, ``escalate``, ``decide`` …); answers the case."""
    case = service.get_case(session, case_ref, me, for_update=True)
    actions.use_auditor(session, audit)
    case = actions.apply_action(session, case, action, me, utcnow())
    return service.case_read(session, case)

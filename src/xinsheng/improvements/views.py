"""JSON API of improvement actions under ``/api/v1/improvements`` (surveys.read to read,
surveys.write to write). docs/improvements.md."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from xinsheng.db import utcnow
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.identity.principal import Principal
from xinsheng.improvements import service
from xinsheng.improvements.actions import do_change_state, do_create_action, do_link_customers, do_update_action
from xinsheng.improvements.evaluate import evaluate
from xinsheng.improvements.schemas import ActionCreate, ActionUpdate, LinkCustomers, StateChange

router = APIRouter(prefix="/api/v1/improvements", tags=["improvements"])
Reader = Annotated[Principal, require("surveys.read")]
Writer = Annotated[Principal, require("surveys.write")]
_ERRORS = {404: {"description": "unknown action"}, 409: {"description": "the state does not allow it (field named)"},
           422: {"description": "bad input (the field is named)"}}


def _read(session, action, detail: bool = False) -> dict:
    out = service.action_read(action, service.customer_counts(session, [action.id])[action.id])
    if detail:
        out["linked_customers"] = service.linked_customers(session, action)
    return out


@router.get("")
def list_improvements(session: SessionDep, me: Reader,
                      state: Annotated[str | None, Query(max_length=16, description="open or one state")] = None) -> dict:
    """Improvement actions, newest first, with their linked and told customers."""
    actions = service.list_actions(session, state)
    counts = service.customer_counts(session, [a.id for a in actions])
    return {"items": [service.action_read(a, counts[a.id]) for a in actions]}


@router.post("", status_code=201, responses=_ERRORS)
def create_improvement(body: ActionCreate, session: SessionDep, me: Writer, audit: Audit) -> dict:
    """A new action (planned), with the customers given and/or those who raised the problem."""
    action = do_create_action(session, body, actor=me.name, now=utcnow())
    audit("improvement.create", target_type="improvement", target_ref=action.ref,
          detail={"problem": f"{action.problem_kind}:{action.problem_ref}"})
    return _read(session, action, detail=True)


@router.get("/{ref}", responses=_ERRORS)
def get_improvement(ref: str, session: SessionDep, me: Reader) -> dict:
    return _read(session, service.get_action(session, ref), detail=True)


@router.patch("/{ref}", responses=_ERRORS)
def update_improvement(ref: str, body: ActionUpdate, session: SessionDep, me: Writer, audit: Audit) -> dict:
    action = service.get_action(session, ref)
    do_update_action(session, action, body, now=utcnow())
    audit("improvement.update", target_type="improvement", target_ref=ref,
          detail={"fields": sorted(body.model_dump(exclude_unset=True))})
    return _read(session, action)


@router.post("/{ref}/state", responses=_ERRORS)
def change_state(ref: str, body: StateChange, session: SessionDep, me: Writer, audit: Audit) -> dict:
    """planned → in_progress → shipped → verified, or cancelled; shipping tells the linked
    customers once (``told_now``: how many this call told)."""
    action = service.get_action(session, ref)
    told = do_change_state(session, action, body.state, now=utcnow(), shipped_on=body.shipped_on)
    audit("improvement.state", target_type="improvement", target_ref=ref, detail={"state": body.state, "told": told})
    return {**_read(session, action), "told_now": told}


@router.post("/{ref}/customers", responses=_ERRORS)
def link_customers(ref: str, body: LinkCustomers, session: SessionDep, me: Writer, audit: Audit) -> dict:
    action = service.get_action(session, ref)
    added = do_link_customers(session, action, body, now=utcnow())
    audit("improvement.customers", target_type="improvement", target_ref=ref, detail={"added": added})
    return {**_read(session, action), "added": added}


@router.get("/{ref}/evaluation", responses=_ERRORS)
def evaluation(ref: str, session: SessionDep, me: Reader,
               days: Annotated[int | None, Query(ge=1, le=90, description="window, default the action's")] = None) -> dict:
    """The metric N days before vs N days after the ship date, 95 % intervals and the verdict."""
    return evaluate(session, service.get_action(session, ref), now=utcnow(), days=days)

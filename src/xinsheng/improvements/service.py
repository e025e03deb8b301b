"""Reads of improvement actions: one by ref, the list, and their JSON shape."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinsheng.customers.models import Customer
from xinsheng.errors import InvalidInput, NotFound
from xinsheng.improvements.models import STATES, ImprovementAction, ImprovementCustomer

#: the states of an action still to be delivered or measured
OPEN = ("planned", "in_progress", "shipped")
IC = ImprovementCustomer


def get_action(session: Session, ref: str) -> ImprovementAction:
    action = session.scalar(select(ImprovementAction).where(ImprovementAction.ref == ref))
    if action is None:
        raise NotFound(f"improvement action {ref} not found")
    return action


def list_actions(session: Session, state: str | None = None, limit: int = 500) -> list[ImprovementAction]:
    """Newest first; ``state``: one state, or ``open`` (planned, in progress, shipped)."""
    stmt = select(ImprovementAction).order_by(ImprovementAction.id.desc()).limit(limit)
    if state == "open":
        stmt = stmt.where(ImprovementAction.state.in_(OPEN))
    elif state:
        if state not in STATES:
            raise InvalidInput(f"state: one of open, {', '.join(STATES)}", data={"field": "state"})
        stmt = stmt.where(ImprovementAction.state == state)
    return list(session.scalars(stmt))


def customer_counts(session: Session, ids: list[int]) -> dict[int, dict]:
    """action id → {"linked", "told", "opted_out"}."""
    rows = session.execute(select(IC.action_id, func.count(), func.count(IC.told_at), func.count(IC.skipped))
                           .where(IC.action_id.in_(ids)).group_by(IC.action_id)).all() if ids else []
    out = {i: {"linked": 0, "told": 0, "opted_out": 0} for i in ids}
    for aid, linked, told, skipped in rows:
        out[aid] = {"linked": int(linked), "told": int(told), "opted_out": int(skipped)}
    return out


def linked_customers(session: Session, action: ImprovementAction, limit: int = 200) -> list[dict]:
    rows = session.execute(select(Customer.customer_ref, IC.source, IC.raised_at, IC.told_at, IC.skipped)
                           .join(Customer, Customer.id == IC.customer_id).where(IC.action_id == action.id)
                           .order_by(IC.raised_at, IC.id).limit(limit)).all()
    return [{"customer_ref": ref, "source": source, "raised_at": raised.isoformat() if raised else None,
             "told_at": told.isoformat() if told else None, "skipped": skipped}
            for ref, source, raised, told, skipped in rows]


def action_read(action: ImprovementAction, counts: dict) -> dict:
    return {
        "ref": action.ref, "title": action.title, "problem_kind": action.problem_kind,
        "problem_ref": action.problem_ref, "change_zh": action.change_zh, "change_en": action.change_en,
        "owner": action.owner, "promised_date": action.promised_date.isoformat(), "state": action.state,
        "shipped_on": action.shipped_on.isoformat() if action.shipped_on else None, "metric": action.metric,
        "window_days": action.window_days, "created_by": action.created_by,
        "created_at": action.created_at.isoformat(), "updated_at": action.updated_at.isoformat(),
        "customers": counts,
    }

"""Which cases a principal may see: the cases in their queues (for the case routes).

* tiers 1–3 (agent, support, expert): cases they own, and unassigned open cases of their tier;
* complaint handlers: cases they own, and complaints at or below their authority level;
* advisors: cases of their own clients;
* supervisors, analysts, administrators, system tokens with ``cases.read``: every case.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from xinsheng.cases.authority import effective_level
from xinsheng.cases.models import OPEN_STATUSES, Case
from xinsheng.customers import hooks as customer_hooks
from xinsheng.customers.models import Customer
from xinsheng.identity.principal import Principal


def visible_cases(p: Principal) -> ColumnElement[bool] | None:
    """A WHERE clause over ``Case`` for what ``p`` may see; None means every case."""
    if not (p.can("cases.read") or p.can("customers.read")):
        return false()
    mine = [Case.owner_user_id == p.user_id] if p.user_id is not None else []
    scope = p.row_scope
    if scope == "all":
        return None
    if scope == "served" and p.tier:
        queue = and_(Case.owner_user_id.is_(None), Case.tier == p.tier, Case.status.in_(OPEN_STATUSES))
        return or_(queue, *mine)
    if scope == "complaints":
        return or_(and_(Case.kind == "complaint", Case.authority_level <= effective_level(p.role, p.authority_level)), *mine)
    if scope == "clients" and p.advisor_ref:
        clients = select(Customer.id).where(Customer.advisor_ref == p.advisor_ref)
        return or_(Case.customer_id.in_(clients), *mine)
    return or_(*mine) if mine else false()


def customers_handled(p: Principal, scope: str):
    """The ids of customers with an open case ``p`` handles in row scope ``scope`` (a SELECT),
    or None: "served" — cases they own or that wait unassigned in their tier's queue;
    "complaints" — cases they own, and complaints at or below their authority level."""
    mine = [Case.owner_user_id == p.user_id] if p.user_id is not None else []
    if scope == "served":
        handled = [and_(Case.owner_user_id.is_(None), Case.tier == p.tier)] if p.tier else []
        handled += mine
    elif scope == "complaints":
        handled = [and_(Case.kind == "complaint",
                        Case.authority_level <= effective_level(p.role, p.authority_level)), *mine]
    else:
        return None
    if not handled:
        return None
    return select(Case.customer_id).where(Case.status.in_(OPEN_STATUSES), or_(*handled))


def open_cases_of(session: Session, customer_id: int) -> list[Case]:
    """A customer's open cases, newest first (the profile lists them)."""
    return list(session.scalars(select(Case).where(Case.customer_id == customer_id, Case.status.in_(OPEN_STATUSES))
                                .order_by(Case.opened_at.desc())))


# customers sit below cases: they see these through customers.hooks
customer_hooks.install(case_customers=customers_handled, open_cases=open_cases_of)

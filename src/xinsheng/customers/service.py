"""Reads of customers: one profile, search."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from xinsheng.cases.models import OPEN_STATUSES, Case
from xinsheng.customers.models import Customer
from xinsheng.customers.schemas import CaseSummary, CustomerListItem, CustomerRead
from xinsheng.db import utcnow
from xinsheng.errors import NotFound
from xinsheng.interactions.models import Interaction
from xinsheng.interactions.service import channel_counts


def get_customer(session: Session, customer_ref: str) -> Customer:
    """The customer with this reference, or NotFound."""
    customer = session.scalar(
        select(Customer).options(selectinload(Customer.notes)).where(Customer.customer_ref == customer_ref)
    )
    if customer is None:
        raise NotFound(f"no customer {customer_ref!r}", data={"customer_ref": customer_ref})
    return customer


def list_open_cases(session: Session, customer_id: int) -> list[Case]:
    stmt = (
        select(Case)
        .where(Case.customer_id == customer_id, Case.status.in_(OPEN_STATUSES))
        .order_by(Case.opened_at.desc())
    )
    return list(session.scalars(stmt))


def get_profile(session: Session, customer_ref: str) -> CustomerRead:
    """Profile, preference/taboo notes, open cases and contact counts per channel."""
    customer = get_customer(session, customer_ref)
    profile = CustomerRead.model_validate(customer, from_attributes=True)
    return profile.model_copy(update={
        "age": utcnow().year - customer.birth_year if customer.birth_year else None,
        "open_cases": [CaseSummary.model_validate(c) for c in list_open_cases(session, customer.id)],
        "contacts_by_channel": channel_counts(session, customer.id),
    })


def search_customers(session: Session, query: str, limit: int = 20) -> list[CustomerListItem]:
    """Customers whose reference starts with, or whose name contains, ``query``."""
    query = query.strip()
    if not query:
        return []
    stmt = (
        select(Customer)
        .where(or_(Customer.customer_ref.startswith(query), Customer.name.contains(query)))
        .order_by(Customer.customer_ref)
        .limit(limit)
    )
    return [CustomerListItem.model_validate(c) for c in session.scalars(stmt)]


def recently_contacted(session: Session, limit: int = 12) -> list[CustomerListItem]:
    """Customers with the newest contacts, newest first."""
    last = func.max(Interaction.started_at).label("last")
    sub = (
        select(Interaction.customer_id, last)
        .where(Interaction.customer_id.is_not(None))
        .group_by(Interaction.customer_id)
        .order_by(last.desc())
        .limit(limit)
        .subquery()
    )
    stmt = select(Customer).join(sub, sub.c.customer_id == Customer.id).order_by(sub.c.last.desc())
    return [CustomerListItem.model_validate(c) for c in session.scalars(stmt)]


def count_customers(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Customer)) or 0

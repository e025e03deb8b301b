"""JSON API of customers: list and search, profile, timeline, unmask (the upsert,
``POST /api/v1/customers``, is ingest's: ``ingest.views``).

Reads check the caller's row-level access before loading anything and write an
audit entry before the data leaves; writes are audited with their results.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from xinsheng.customers.access import ensure_customer_visible
from xinsheng.customers.schemas import CustomerPage, CustomerRead, UnmaskRequest
from xinsheng.customers.service import get_customer, get_profile, list_customers
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.errors import Forbidden, InvalidInput
from xinsheng.identity.principal import Principal
from xinsheng.interactions.schemas import TimelinePage
from xinsheng.interactions.service import list_timeline

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])
Reader = Annotated[Principal, require("customers.read")]
_404 = {404: {"description": "no such customer (only said to callers who may see every customer)"}}


def check_access(session, me: Principal, customer_ref: str, audit: Audit) -> None:
    """Row-level access, decided before loading; a refusal is audited too."""
    try:
        ensure_customer_visible(session, me, customer_ref)
    except Forbidden:
        audit("customer.denied", target_type="customer", target_ref=customer_ref)
        raise


@router.get("", response_model=CustomerPage)
def customers_list(
    session: SessionDep,
    me: Reader,
    audit: Audit,
    q: Annotated[str, Query(max_length=64, description="reference prefix, or an exact name "
                            "(names only for roles that see them)")] = "",
    segment: Annotated[str | None, Query(max_length=32, description="e.g. mass, affluent, private")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[str | None, Query(max_length=64, description="a page's `next_before`: "
                                        "customers whose reference sorts before it")] = None,
) -> CustomerPage:
    """The customers the caller may see (row-level access), by ``customer_ref`` descending;
    follow ``next_before`` for the next page. The audit entry lists the customers shown,
    never ``q`` (it may be a name)."""
    page = list_customers(session, me, q=q, segment=segment, limit=limit, before=before)
    audit("customer.list", target_type="customer",
          detail={"via": "api", "customer_refs": [c.customer_ref for c in page.items]})
    return page


@router.get("/{customer_ref}", response_model=CustomerRead, responses=_404)
def read_customer(customer_ref: str, session: SessionDep, me: Reader, audit: Audit) -> CustomerRead:
    """The profile, preference/taboo notes and open cases (masked for roles without names)."""
    check_access(session, me, customer_ref, audit)
    profile = get_profile(session, customer_ref, me)
    audit("customer.read", target_type="customer", target_ref=customer_ref,
          detail={"masked": profile.masked})
    return profile


@router.post("/{customer_ref}/unmask", response_model=CustomerRead, responses=_404,
             dependencies=[require("customers.unmask")])
def unmask_customer(customer_ref: str, body: UnmaskRequest, session: SessionDep, me: Reader,
                    audit: Audit) -> CustomerRead:
    """The profile with name, notes and contact details in clear; the reason is logged."""
    check_access(session, me, customer_ref, audit)
    profile = get_profile(session, customer_ref, me, unmask=True)
    audit("customer.unmask", target_type="customer", target_ref=customer_ref, reason=body.reason)
    return profile


@router.get("/{customer_ref}/timeline", response_model=TimelinePage, responses=_404)
def read_timeline(
    customer_ref: str,
    session: SessionDep,
    me: Reader,
    audit: Audit,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[datetime | None, Query(description="ISO 8601; contacts strictly before")] = None,
) -> TimelinePage:
    """Every channel, newest first; follow ``next_before`` for older contacts."""
    if before is not None and before.tzinfo is None:
        raise InvalidInput("before: timestamp has no UTC offset (e.g. +08:00)", data={"field": "before"})
    check_access(session, me, customer_ref, audit)
    page = list_timeline(session, get_customer(session, customer_ref).id, limit=limit, before=before)
    audit("customer.timeline", target_type="customer", target_ref=customer_ref,
          detail={"items": len(page.items), "before": before.isoformat() if before else None})
    return page

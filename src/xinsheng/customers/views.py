"""JSON API of customers: upsert, profile, timeline."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from xinsheng.customers.schemas import CustomerRead
from xinsheng.customers.service import get_customer, get_profile
from xinsheng.deps import EngineDep, SessionDep, require
from xinsheng.errors import InvalidInput
from xinsheng.ingest.schemas import CustomerIn
from xinsheng.ingest.views import body_schema, ingest_body
from xinsheng.interactions.schemas import IngestResult, TimelinePage
from xinsheng.interactions.service import list_timeline

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])


@router.post("", response_model=IngestResult, openapi_extra=body_schema(CustomerIn),
             dependencies=[require("customers.write")])
async def post_customers(request: Request, engine: EngineDep):
    """Insert or update one customer or a list, by ``customer_ref``; per-item results."""
    return await ingest_body(request, "customers", engine)


@router.get("/{customer_ref}", response_model=CustomerRead, dependencies=[require("customers.read")])
def read_customer(customer_ref: str, session: SessionDep) -> CustomerRead:
    """The profile, preference/taboo notes and open cases."""
    return get_profile(session, customer_ref)


@router.get("/{customer_ref}/timeline", response_model=TimelinePage,
            dependencies=[require("customers.read")])
def read_timeline(
    customer_ref: str,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[datetime | None, Query(description="ISO 8601; contacts strictly before")] = None,
) -> TimelinePage:
    """Every channel, newest first; follow ``next_before`` for older contacts."""
    if before is not None and before.tzinfo is None:
        raise InvalidInput("before: timestamp has no UTC offset (e.g. +08:00)", data={"field": "before"})
    return list_timeline(session, get_customer(session, customer_ref).id, limit=limit, before=before)

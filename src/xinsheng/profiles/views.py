"""JSON API of profiles: ``POST /api/v1/holdings`` (CONTRACT.md "Profiles and next-best-action")
and ``GET /api/v1/customers/{ref}/profile``."""
from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import select

from xinsheng.customers.models import Customer
from xinsheng.customers.views import Reader, check_access
from xinsheng.deps import Audit, EngineDep, SessionDep, require
from xinsheng.errors import InvalidInput, NotFound
from xinsheng.ingest.views import MAX_ITEMS, body_schema
from xinsheng.interactions.schemas import IngestResult
from xinsheng.profiles.holdings import load_holdings
from xinsheng.profiles.schemas import HoldingIn
from xinsheng.profiles.store import read_profile
from xinsheng.records import records_from_list

router = APIRouter(prefix="/api/v1", tags=["profiles"])


@router.post("/holdings", response_model=IngestResult, openapi_extra=body_schema(HoldingIn),
             responses={422: {"description": "no item was usable; each error names its item and field"}},
             dependencies=[require("holdings.write")])
async def post_holdings(request: Request, engine: EngineDep, audit: Audit):
    """One holdings snapshot or a list (up to 10,000); per-item results like ``ingest --json``."""
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"body: not valid JSON ({exc})", data={"field": "body"}) from None
    items = body if isinstance(body, list) else [body]
    if not items:
        raise InvalidInput("body: the list is empty", data={"field": "body"})
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"body: {len(items)} items; at most {MAX_ITEMS} per request", data={"field": "body"})
    report = await run_in_threadpool(load_holdings, records_from_list(items), engine)
    if report.accepted or report.duplicates:
        await run_in_threadpool(audit, "holdings.ingest", target_type="holdings", target_ref=None,
                                detail={"accepted": report.accepted, "duplicates": report.duplicates,
                                        "rejected": report.rejected})
    status = 422 if report.rejected and not (report.accepted or report.duplicates) else 200
    return JSONResponse(report.to_dict(), status_code=status)


@router.get("/customers/{customer_ref}/profile", dependencies=[require("customers.read")])
def get_profile(customer_ref: str, session: SessionDep, me: Reader, audit: Audit) -> dict:
    """The living profile: each feature's value (null: not enough data) and where it came from."""
    check_access(session, me, customer_ref, audit)
    cid = session.scalar(select(Customer.id).where(Customer.customer_ref == customer_ref))
    if cid is None:
        raise NotFound(f"no customer {customer_ref!r}", data={"customer_ref": customer_ref})
    return {"customer_ref": customer_ref, **read_profile(session, cid)}

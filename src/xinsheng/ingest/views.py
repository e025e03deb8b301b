"""POSTed record batches: ``POST /api/v1/customers`` and ``POST /api/v1/interactions``
(ingest stores both; the read routes are the customers' and interactions' own)."""
from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from xinsheng.deps import Audit, EngineDep, require
from xinsheng.errors import InvalidInput
from xinsheng.ingest.schemas import CustomerIn, InteractionIn
from xinsheng.ingest.service import ingest_records
from xinsheng.interactions.schemas import IngestResult
from xinsheng.records import records_from_list

MAX_ITEMS = 10_000
router = APIRouter(prefix="/api/v1")
_422 = {422: {"description": "no item was usable; the body names each field and problem"}}


def body_schema(model) -> dict:
    """OpenAPI request body: one object or a list of up to MAX_ITEMS of them."""
    schema = model.model_json_schema()
    schema.pop("title", None)
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {
                "oneOf": [schema, {"type": "array", "items": schema, "minItems": 1, "maxItems": MAX_ITEMS}],
            }}},
        }
    }


async def ingest_body(request: Request, kind: str, engine: Engine, audit=None) -> JSONResponse:
    """Validate and store the posted records; 200 with per-item results, 422 if none was usable.

    ``audit`` (the request's ``Auditor``) records the write: counts and the customer
    references it touched.
    """
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"body: not valid JSON ({exc})", data={"field": "body"}) from None
    items = body if isinstance(body, list) else [body]
    if not items:
        raise InvalidInput("body: the list is empty", data={"field": "body"})
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"body: {len(items)} items; at most {MAX_ITEMS} per request",
                           data={"field": "body"})
    report = await run_in_threadpool(ingest_records, records_from_list(items), kind, engine)
    status = 422 if report.rejected and not (report.accepted or report.duplicates) else 200
    if audit is not None and (report.accepted or report.duplicates):
        refs = sorted({str(i["customer_ref"]) for i in items
                       if isinstance(i, dict) and isinstance(i.get("customer_ref"), str)})
        await run_in_threadpool(
            audit, "customer.upsert" if kind == "customers" else "interaction.ingest",
            target_type="customer", target_ref=refs[0] if len(refs) == 1 else None,
            detail={"accepted": report.accepted, "duplicates": report.duplicates,
                    "rejected": report.rejected, "customer_refs": refs},
        )
    return JSONResponse(report.to_dict(), status_code=status)


@router.post("/customers", tags=["customers"], response_model=IngestResult, openapi_extra=body_schema(CustomerIn),
             responses=_422, dependencies=[require("customers.write")])
async def post_customers(request: Request, engine: EngineDep, audit: Audit):
    """Insert or update one customer or a list, by ``customer_ref``; per-item results."""
    return await ingest_body(request, "customers", engine, audit=audit)


@router.post("/interactions", tags=["interactions"], response_model=IngestResult,
             openapi_extra=body_schema(InteractionIn), responses=_422, dependencies=[require("interactions.write")])
async def post_interactions(request: Request, engine: EngineDep, audit: Audit):
    """Store one interaction or a list (up to 10,000); per-item results like ``ingest --json``."""
    return await ingest_body(request, "interactions", engine, audit=audit)

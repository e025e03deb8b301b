"""JSON API of interactions."""
from __future__ import annotations

from fastapi import APIRouter, Request

from xinsheng.deps import Audit, EngineDep, require
from xinsheng.ingest.schemas import InteractionIn
from xinsheng.ingest.views import body_schema, ingest_body
from xinsheng.interactions.schemas import IngestResult

router = APIRouter(prefix="/api/v1", tags=["interactions"])


@router.post(
    "/interactions", response_model=IngestResult, openapi_extra=body_schema(InteractionIn),
    responses={422: {"description": "no item was usable; the body names each field and problem"}},
    dependencies=[require("interactions.write")],
)
async def post_interactions(request: Request, engine: EngineDep, audit: Audit):
    """Store one interaction or a list (up to 10,000); per-item results like ``ingest --json``."""
    return await ingest_body(request, "interactions", engine, audit=audit)

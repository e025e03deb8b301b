"""JSON API of the audit log: list, export (CSV / NDJSON), verify. Administrators only."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from xinsheng.audit.schemas import AuditPage, ChainReportRead
from xinsheng.audit.service import (
    AuditFilter, entry_dict, export_csv, export_ndjson, iter_entries, list_entries, verify_chain,
)
from xinsheng.db import session_scope
from xinsheng.identity.deps import Audit, EngineDep, SessionDep, require
from xinsheng.errors import InvalidInput

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], dependencies=[require("audit.read")])


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InvalidInput(f"{field}: timestamp has no UTC offset (e.g. +08:00)", data={"field": field})
    return value


def audit_filter(
    actor: Annotated[str | None, Query(max_length=160)] = None,
    action: Annotated[str | None, Query(max_length=64, description="prefix, e.g. customer.")] = None,
    target_ref: Annotated[str | None, Query(max_length=160)] = None,
    since: Annotated[datetime | None, Query(description="ISO 8601 with offset, inclusive")] = None,
    until: Annotated[datetime | None, Query(description="ISO 8601 with offset, exclusive")] = None,
) -> AuditFilter:
    return AuditFilter(actor=actor or None, action=action or None, target_ref=target_ref or None,
                       since=_aware(since, "since"), until=_aware(until, "until"))


Filter = Annotated[AuditFilter, Depends(audit_filter)]


@router.get("", response_model=AuditPage)
def read_audit(session: SessionDep, f: Filter,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               before_seq: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> AuditPage:
    """Entries newest first; follow ``next_before_seq`` for older ones."""
    rows = list_entries(session, f, limit=limit + 1, before_seq=before_seq)
    more = len(rows) > limit
    rows = rows[:limit]
    return AuditPage(items=[entry_dict(e) for e in rows], next_before_seq=rows[-1].seq if more else None)


@router.get("/export", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}})
def export_audit(engine: EngineDep, f: Filter, audit: Audit,
                 format: Annotated[Literal["csv", "ndjson"], Query()] = "ndjson") -> StreamingResponse:
    """Every matching entry, oldest first, with hashes (the export is itself logged)."""
    audit("audit.export", detail={"format": format, "filter": {k: str(v) for k, v in vars(f).items() if v}})
    writer = export_csv if format == "csv" else export_ndjson

    def stream():
        with session_scope(engine) as session:
            yield from writer(iter_entries(session, f))

    media = "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson"
    name = f"xinsheng-audit.{'csv' if format == 'csv' else 'ndjson'}"
    return StreamingResponse(stream(), media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/verify", response_model=ChainReportRead)
def verify_audit(session: SessionDep) -> ChainReportRead:
    """Recompute the hash chain: altered, inserted or removed entries are reported."""
    return ChainReportRead.model_validate(verify_chain(session).to_dict())

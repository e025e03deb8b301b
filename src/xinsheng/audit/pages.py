"""The audit-log page (/admin/audit): filter, page, verify, export links."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from xinsheng.audit.service import AuditFilter, list_entries, verify_chain
from xinsheng.config import get_settings
from xinsheng.deps import SessionDep, require
from xinsheng.web.templating import render

router = APIRouter(prefix="/admin/audit", dependencies=[require("audit.read")])
PAGE = 100


def _day_start(d: date | None) -> datetime | None:
    if d is None:
        return None
    return datetime.combine(d, time.min, tzinfo=ZoneInfo(get_settings().display_timezone))


@router.get("", response_class=HTMLResponse)
def audit_page(
    request: Request, session: SessionDep,
    actor: Annotated[str, Query(max_length=160)] = "",
    action: Annotated[str, Query(max_length=64)] = "",
    target_ref: Annotated[str, Query(max_length=160)] = "",
    since: Annotated[date | None, Query()] = None,
    until: Annotated[date | None, Query()] = None,
    before_seq: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    verify: bool = False,
):
    """Newest entries first, with filters; ``verify=1`` checks the whole chain."""
    f = AuditFilter(actor=actor or None, action=action or None, target_ref=target_ref or None,
                    since=_day_start(since), until=_day_start(until + timedelta(days=1)) if until else None)
    rows = list_entries(session, f, limit=PAGE + 1, before_seq=before_seq)
    params = {k: v for k, v in {"actor": actor, "action": action, "target_ref": target_ref,
                                "since": f.since.isoformat() if f.since else "",
                                "until": f.until.isoformat() if f.until else ""}.items() if v}
    page_params = {k: v for k, v in {"actor": actor, "action": action, "target_ref": target_ref,
                                     "since": since or "", "until": until or ""}.items() if v}
    return render(request, "audit/list.html", {
        "entries": rows[:PAGE], "filters": {"actor": actor, "action": action, "target_ref": target_ref,
                                           "since": since or "", "until": until or ""},
        "older": urlencode({**page_params, "before_seq": rows[PAGE - 1].seq}) if len(rows) > PAGE else None,
        "export_query": urlencode(params), "chain": verify_chain(session) if verify else None,
    })

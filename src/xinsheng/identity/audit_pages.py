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
from xinsheng.identity.deps import SessionDep, require
from xinsheng.web.i18n import Translator, pick_lang
from xinsheng.web.templating import render

router = APIRouter(prefix="/admin/audit", dependencies=[require("audit.read")])
PAGE = 100


def _day_start(d: date | None) -> datetime | None:
    if d is None:
        return None
    return datetime.combine(d, time.min, tzinfo=ZoneInfo(get_settings().display_timezone))


#: longest filter value per field (as the audit API)
MAX_FILTER = {"actor": 160, "action": 64, "target_ref": 160}


def _parse_filters(t: Translator, actor: str, action: str, target_ref: str, since: str,
                   until: str) -> tuple[dict, dict]:
    """(values, errors): the typed filters checked per field; a refused field is not applied."""
    typed = {"actor": actor, "action": action, "target_ref": target_ref, "since": since, "until": until}
    errors = {k: t.fmt("fe_max_chars", n=most, got=len(typed[k])) for k, most in MAX_FILTER.items()
              if len(typed[k]) > most}
    dates: dict[str, date | None] = {}
    for key in ("since", "until"):
        try:
            dates[key] = date.fromisoformat(typed[key]) if typed[key].strip() else None
        except ValueError:
            dates[key], errors[key] = None, t("fe_date")
    if dates["since"] and dates["until"] and dates["since"] > dates["until"]:
        errors["until"] = t("fe_from_after_to")
    return {**{k: ("" if k in errors else typed[k]) for k in MAX_FILTER}, **dates}, errors


@router.get("", response_class=HTMLResponse)
def audit_page(
    request: Request, session: SessionDep,
    actor: str = "", action: str = "", target_ref: str = "", since: str = "", until: str = "",
    before_seq: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    verify: bool = False,
):
    """Newest entries first, with filters; ``verify=1`` checks the whole chain. A filter that
    cannot be used (too long, not a date, from after to) is shown beside its field and the page
    lists nothing rather than entries the filter was meant to exclude."""
    t = Translator(pick_lang(request))
    v, errors = _parse_filters(t, actor, action, target_ref, since, until)
    f = AuditFilter(actor=v["actor"] or None, action=v["action"] or None, target_ref=v["target_ref"] or None,
                    since=_day_start(v["since"]),
                    until=_day_start(v["until"] + timedelta(days=1)) if v["until"] else None)
    rows = [] if errors else list_entries(session, f, limit=PAGE + 1, before_seq=before_seq)
    params = {k: x for k, x in {"actor": v["actor"], "action": v["action"], "target_ref": v["target_ref"],
                                "since": f.since.isoformat() if f.since else "",
                                "until": f.until.isoformat() if f.until else ""}.items() if x}
    page_params = {k: x for k, x in {"actor": v["actor"], "action": v["action"], "target_ref": v["target_ref"],
                                     "since": v["since"] or "", "until": v["until"] or ""}.items() if x}
    return render(request, "audit/list.html", {
        "entries": rows[:PAGE], "errors": errors, "filtered": bool(page_params) or bool(errors),
        "filters": {"actor": actor, "action": action, "target_ref": target_ref, "since": since, "until": until},
        "older": urlencode({**page_params, "before_seq": rows[PAGE - 1].seq}) if len(rows) > PAGE else None,
        "export_query": urlencode(params), "chain": verify_chain(session) if verify else None,
    }, status_code=422 if errors else 200)

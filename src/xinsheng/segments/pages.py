"""The segment explorer page (/segments, ``metrics.read``)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from xinsheng.deps import SessionDep, require
from xinsheng.segments.i18n import TEXTS
from xinsheng.segments.service import as_dict, list_segments
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, pick_lang
from xinsheng.web.templating import render

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
router = APIRouter(dependencies=[require("metrics.read")])


@router.get("/segments", response_class=HTMLResponse)
def segments_page(request: Request, session: SessionDep):
    """Rule segments and clusters with sizes and experience figures; clusters with what sets them apart."""
    items = [as_dict(s) for s in list_segments(session)]
    return render(request, "segments/segments.html", {
        "rules": [s for s in items if s["kind"] == "rule"], "clusters": [s for s in items if s["kind"] == "cluster"],
        "lang": pick_lang(request)})

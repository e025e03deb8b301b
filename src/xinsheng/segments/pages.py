"""The segment explorer page (/segments, ``metrics.read``)."""
from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from xinsheng.deps import SessionDep, require
from xinsheng.segments.i18n import TEXTS
from xinsheng.segments.service import as_dict, list_segments
from xinsheng.web.charts import chart_layout
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, Translator, pick_lang
from xinsheng.web.templating import render

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
router = APIRouter(dependencies=[require("metrics.read")])


def figure(items: list[dict], t: Translator) -> str:
    """Bars of each segment's customers, markers of its complaint rate and negative share (right
    axis, per cent); a segment is named by its label in the page's language."""
    names = [s["label"].get(t.lang) or s["label"].get("zh") or s["code"] for s in items]
    pct = lambda key: [None if s[key] is None else round(s[key] * 100, 1) for s in items]  # noqa: E731
    traces = [{"type": "bar", "name": t("sg_size"), "x": names, "y": [s["size"] for s in items],
               "marker": {"color": "#93c5fd"}, "hovertemplate": "%{x}: %{y}<extra></extra>"}]
    for key, color in (("complaint_rate", "#dc2626"), ("negative_share", "#f59e0b")):
        traces.append({"type": "scatter", "mode": "markers", "name": t("sg_" + key), "x": names, "y": pct(key),
                       "yaxis": "y2", "marker": {"color": color, "size": 11},
                       "hovertemplate": "%{x}: %{y}%<extra></extra>"})
    layout = chart_layout(t.lang, height=340, margin={"l": 50, "r": 50, "t": 10, "b": 90},
                          legend={"orientation": "h", "y": 1.12}, yaxis={"title": {"text": t("sg_size")}},
                          yaxis2={"overlaying": "y", "side": "right", "ticksuffix": "%", "rangemode": "tozero",
                                  "showgrid": False})
    layout["xaxis"] = {"type": "category", "automargin": True}
    return json.dumps({"data": traces, "layout": layout}, ensure_ascii=False)


@router.get("/segments", response_class=HTMLResponse)
def segments_page(request: Request, session: SessionDep):
    """Rule segments and clusters with sizes and experience figures (a chart and tables);
    clusters with what sets them apart."""
    items = [as_dict(s) for s in list_segments(session)]
    t = Translator(pick_lang(request))
    return render(request, "segments/segments.html", {
        "rules": [s for s in items if s["kind"] == "rule"], "clusters": [s for s in items if s["kind"] == "cluster"],
        "lang": t.lang, "chart": figure(items, t) if items else None})

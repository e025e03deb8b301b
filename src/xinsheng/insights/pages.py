"""The Hot issues page (/hot-issues, 热点问题)."""
from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from xinsheng.customers.models import CHANNELS
from xinsheng.deps import SessionDep, require
from xinsheng.insights.i18n import TEXTS
from xinsheng.insights.schemas import ClusterRead, to_read
from xinsheng.insights.service import emerging, hot_issues
from xinsheng.web.charts import chart_layout
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, Translator, pick_lang
from xinsheng.web.templating import render

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})

router = APIRouter(dependencies=[require("voc.read")])


#: one colour per topic, none twice (Tableau 10, then two more); more topics get evenly spaced hues
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#393b79", "#637939"]


def topic_colours(n: int) -> list[str]:
    """``n`` distinct colours: the palette, then evenly spaced hues not in it."""
    extra = [f"hsl({round(360 * i / max(n - len(PALETTE), 1))}, 60%, 35%)" for i in range(max(n - len(PALETTE), 0))]
    return (PALETTE + extra)[:n]


def trend_figure(report, t: Translator) -> str:
    """Negative texts per day of every topic of the table (one line and colour each), its
    spike days marked by triangles of the same colour (grouped with the line in the legend)."""
    days, traces = report.days, []
    for tp, colour in zip(report.topics, topic_colours(len(report.topics))):
        name = t.topic(tp.code, tp.label)
        traces.append({"type": "scatter", "mode": "lines", "name": name, "legendgroup": tp.code,
                       "line": {"color": colour, "width": 2}, "x": days,
                       "y": [tp.negative_daily.get(d, 0) for d in days],
                       "hovertemplate": f"%{{y}} {t('hi_negative_texts')}"})
        if tp.spikes:
            traces.append({"type": "scatter", "mode": "markers", "showlegend": False, "name": name,
                           "legendgroup": tp.code, "x": [s.day for s in tp.spikes], "y": [s.count for s in tp.spikes],
                           "marker": {"color": colour, "size": 13, "symbol": "triangle-up",
                                      "line": {"color": "#111827", "width": 1}},
                           "hovertemplate": f"▲ %{{y}} {t('hi_negative_texts')}"})
    layout = chart_layout(t.lang, height=380, margin={"l": 40, "r": 10, "t": 10, "b": 40},
                          legend={"orientation": "h"}, hovermode="x unified")
    return json.dumps({"data": traces, "layout": layout}, ensure_ascii=False)


def _window(request: Request, days: str, channel: str | None) -> tuple[int, str | None, str | None]:
    """(days, channel, a notice) of the query: a window that is not 7–365 whole days is the
    default 90 with a notice saying so; an unknown channel is every channel."""
    d = days.strip()
    if d.isascii() and d.isdigit() and len(d) <= 3 and 7 <= int(d) <= 365:
        return int(d), channel if channel in CHANNELS else None, None
    notice = Translator(pick_lang(request)).fmt("fe_days", lo=7, hi=365, d=90)
    return 90, channel if channel in CHANNELS else None, notice


@router.get("/hot-issues", response_class=HTMLResponse)
def hot_issues_page(
    request: Request, session: SessionDep,
    days: str = "90",
    channel: Annotated[str | None, Query()] = None,
):
    """What customers are unhappy about: topics over time, spikes, emerging clusters.

    The topics come from the daily counts at once; the emerging clusters are shown at once
    when they are kept for the same data, else the page asks for them apart
    (``/hot-issues/clusters``) and shows them when they are ready."""
    t = Translator(pick_lang(request))
    days_n, channel, notice = _window(request, days, channel)
    data = to_read(hot_issues(session, days=days_n, channel=channel, clusters=False))
    clusters = emerging(session, days=days_n, channel=channel, cached_only=True)
    return render(request, "insights/hot_issues.html", {
        "r": data, "figure": trend_figure(data, t), "colours": topic_colours(len(data.topics)), "days": days_n,
        "channel": channel, "channels": CHANNELS, "notice": notice,
        "clusters": None if clusters is None else [ClusterRead(**{k: c[k] for k in ClusterRead.model_fields})
                                                   for c in clusters],
    })


@router.get("/hot-issues/clusters", response_class=HTMLResponse)
def hot_issues_clusters(
    request: Request, session: SessionDep,
    days: str = "90",
    channel: Annotated[str | None, Query()] = None,
):
    """The emerging clusters of the Hot issues page (an htmx fragment)."""
    days_n, channel, _ = _window(request, days, channel)
    clusters = emerging(session, days=days_n, channel=channel) or []
    return render(request, "insights/_clusters.html", {
        "clusters": [ClusterRead(**{k: c[k] for k in ClusterRead.model_fields}) for c in clusters]})

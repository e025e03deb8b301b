"""The Hot issues page (/hot-issues, 热点问题)."""
from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from xinsheng.customers.models import CHANNELS
from xinsheng.deps import SessionDep, require
from xinsheng.insights.schemas import to_read
from xinsheng.insights.service import hot_issues
from xinsheng.web.templating import render

router = APIRouter(dependencies=[require("voc.read")])


def trend_figure(report) -> str:
    """Daily texts per topic (lines) with spike days marked (red markers)."""
    days = report.days
    traces = []
    for t in report.topics[:8]:
        traces.append({"type": "scatter", "mode": "lines", "name": t.label, "x": days,
                       "y": [t.daily.get(d, 0) for d in days]})
        if t.spikes:
            traces.append({"type": "scatter", "mode": "markers", "showlegend": False,
                           "name": t.label, "x": [s.day for s in t.spikes],
                           "y": [s.count for s in t.spikes],
                           "marker": {"color": "#b91c1c", "size": 11, "symbol": "triangle-up"}})
    layout = {"height": 340, "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
              "legend": {"orientation": "h"}, "xaxis": {"type": "date"}}
    return json.dumps({"data": traces, "layout": layout}, ensure_ascii=False)


@router.get("/hot-issues", response_class=HTMLResponse)
def hot_issues_page(
    request: Request, session: SessionDep,
    days: str = "90",
    channel: Annotated[str | None, Query()] = None,
):
    """What customers are unhappy about: topics over time, spikes, emerging clusters.
    A window that is not 7–365 whole days shows the default 90 with a note saying so."""
    from xinsheng.web.i18n import Translator, pick_lang

    notice, d = None, days.strip()
    if not (d.isascii() and d.isdigit() and len(d) <= 3 and 7 <= int(d) <= 365):
        notice = Translator(pick_lang(request)).fmt("fe_days", lo=7, hi=365, d=90)
    days_n = 90 if notice else int(d)
    channel = channel if channel in CHANNELS else None
    report = hot_issues(session, days=days_n, channel=channel)
    data = to_read(report)
    return render(request, "insights/hot_issues.html", {
        "r": data, "figure": trend_figure(data), "days": days_n, "channel": channel, "channels": CHANNELS,
        "notice": notice,
    })

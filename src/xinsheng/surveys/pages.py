"""满意度 / Satisfaction (/satisfaction): NPS, CSAT and CES with sample sizes and 95 %
confidence intervals, week by week and by channel, segment or service tier; response rate,
the topics of bad scores' comments and their follow-up cases. For ``surveys.read``.

A figure below the minimum sample is not drawn: the page says how many answers there were
and why it is hidden. A bad ``days`` or ``by`` falls back to 90 days / channel and says so.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from xinsheng.config import get_settings
from xinsheng.db import utcnow
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.identity.principal import Principal
from xinsheng.surveys import metrics
from xinsheng.surveys.i18n import TEXTS
from xinsheng.web.charts import chart_layout
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, Translator, pick_lang
from xinsheng.web.templating import render

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
router = APIRouter(include_in_schema=False)
#: extra sections at the end of /satisfaction, ``f(session, translator) -> Markup``, added by higher
#: domains that surveys may not import (improvements: the open actions and their state)
SECTIONS: list = []
Reader = Annotated[Principal, require("surveys.read")]
METRICS = ("nps", "csat", "ces")
_FONT = {"family": "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"}


def group_label(t: Translator, by: str, key) -> str:
    if key is None or key == "":
        return t("sv_unknown")
    if by == "channel":
        return t.channel(str(key))
    if by == "segment":
        return t.segment(str(key))
    return t("sv_tier_n").format(n=key)


def _errors(points: list[dict]) -> dict:
    return {"type": "data", "symmetric": False, "array": [p["ci95"][1] - p["value"] for p in points],
            "arrayminus": [p["value"] - p["ci95"][0] for p in points]}


def weekly_figure(points: list[tuple[str, dict]], t: Translator, metric: str) -> str:
    figs = [p for _, p in points]
    trace = {"type": "scatter", "mode": "lines+markers", "name": t(f"sv_{metric}"),
             "x": [day for day, _ in points], "y": [p["value"] for p in figs], "error_y": _errors(figs),
             "customdata": [p["n"] for p in figs], "hovertemplate": "%{y} (n=%{customdata})<extra></extra>"}
    layout = chart_layout(t.lang, height=260, margin={"l": 40, "r": 10, "t": 10, "b": 40}, font=_FONT,
                          showlegend=False)
    return json.dumps({"data": [trace], "layout": layout}, ensure_ascii=False)


def group_figure(groups: list[dict], t: Translator, metric: str, by: str) -> str:
    shown = [g for g in groups if g[metric]["value"] is not None]
    figs = [g[metric] for g in shown]
    trace = {"type": "bar", "name": t(f"sv_{metric}"), "x": [group_label(t, by, g["group"]) for g in shown],
             "y": [f["value"] for f in figs], "error_y": _errors(figs), "customdata": [f["n"] for f in figs],
             "hovertemplate": "%{x}: %{y} (n=%{customdata})<extra></extra>"}
    layout = {"separators": ".,", "height": 260, "margin": {"l": 40, "r": 10, "t": 10, "b": 60}, "font": _FONT,
              "showlegend": False, "xaxis": {"type": "category"}}
    return json.dumps({"data": [trace], "layout": layout}, ensure_ascii=False)


@router.get("/satisfaction", response_class=HTMLResponse)
def satisfaction_page(request: Request, session: SessionDep, me: Reader,
                      days: Annotated[str, Query(max_length=8)] = "90",
                      by: Annotated[str, Query(max_length=16)] = "channel"):
    """The figures of the last ``days`` days, grouped ``by`` channel, segment or tier."""
    t = Translator(pick_lang(request))
    notes = []
    if not days.isdigit() or not 7 <= int(days) <= 365:
        days, notes = "90", [*notes, "sv_err_days"]
    if by not in metrics.GROUP_COLUMNS:
        by, notes = "channel", [*notes, "sv_bad_by"]
    until = utcnow()
    since = until - timedelta(days=int(days))
    report = metrics.satisfaction_report(session, since=since, until=until, by=by)
    weeks = metrics.weekly(session, since=since, until=until)
    cards = [{"metric": m, "fig": report[m], "weekly": weekly_figure(weeks[m], t, m) if weeks[m] else None,
              "groups": group_figure(report["groups"], t, m, by)
              if any(g[m]["value"] is not None for g in report["groups"]) else None} for m in METRICS]
    rows = [{"label": group_label(t, by, g["group"]), **{m: g[m] for m in METRICS}} for g in report["groups"]]
    return render(request, "surveys/satisfaction.html", {
        "days": int(days), "by": by, "notes": notes, "cards": cards, "rows": rows, "min_n": report["min_n"],
        "rate": metrics.response_rate(session, since=since, until=until),
        "topics": metrics.detractor_topics(session, since=since, until=until),
        "followups": metrics.followups(session, since=since, until=until),
        "sections": [section(session, t) for section in SECTIONS]})


@router.get("/customers/{customer_ref}/survey-points", response_class=HTMLResponse)
def survey_points_card(customer_ref: str, request: Request, session: SessionDep,
                       me: Annotated[Principal, require("customers.read")], audit: Audit):
    """The customer page's survey-points card (loaded by the page): balance and latest entries."""
    from xinsheng.customers.service import get_customer
    from xinsheng.customers.views import check_access
    from xinsheng.surveys.points import points_of

    check_access(session, me, customer_ref, audit)
    ledger = points_of(session, get_customer(session, customer_ref).id, limit=10)
    tz = ZoneInfo(get_settings().display_timezone)
    for item in ledger["items"]:
        item["local"] = datetime.fromisoformat(item["awarded_at"]).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return render(request, "surveys/_points.html", {"ledger": ledger})

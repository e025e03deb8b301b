"""The offer uplift page (/nba/uplift, ``metrics.read``): per action, treated against hold-out."""
from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from xinsheng.db import utcnow
from xinsheng.deps import SessionDep, require
from xinsheng.nba.catalogue import active_catalogue
from xinsheng.nba.i18n import TEXTS
from xinsheng.nba.uplift import uplift_by_action
from xinsheng.web.charts import chart_layout
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, Translator, pick_lang
from xinsheng.web.templating import render

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
router = APIRouter(dependencies=[require("metrics.read")])


def uplift_figure(rows: list[dict], labels: dict[str, str], t: Translator) -> str:
    """Horizontal points: each offer's uplift in percentage points with its 95 % interval."""
    shown = [r for r in rows if r["uplift"]["difference"] is not None]
    pts = [100 * r["uplift"]["difference"] for r in shown]
    trace = {"type": "scatter", "mode": "markers", "name": t("nu_uplift"), "y": [labels[r["code"]] for r in shown],
             "x": [round(p, 2) for p in pts],
             "error_x": {"type": "data", "symmetric": False,
                         "array": [round(100 * r["uplift"]["high"] - p, 2) for r, p in zip(shown, pts)],
                         "arrayminus": [round(p - 100 * r["uplift"]["low"], 2) for r, p in zip(shown, pts)]}}
    layout = chart_layout(t.lang, height=60 + 32 * max(1, len(shown)), showlegend=False,
                          margin={"l": 180, "r": 20, "t": 10, "b": 40},
                          xaxis={"type": "linear", "title": {"text": t("nu_uplift")}, "zeroline": True},
                          yaxis={"autorange": "reversed"})
    return json.dumps({"data": [trace], "layout": layout}, ensure_ascii=False)


@router.get("/nba/uplift", response_class=HTMLResponse)
def uplift_page(request: Request, session: SessionDep):
    """Per offer: target group, offered, accepted, acceptance treated vs hold-out, uplift and interval."""
    lang = pick_lang(request)
    cat = active_catalogue()
    rows = uplift_by_action(session, utcnow(), cat)
    labels = {o.code: o.name(lang) for o in cat.offers}
    return render(request, "nba/uplift.html", {
        "rows": rows, "labels": labels, "share": round(100 * cat.holdout_share),
        "figure": uplift_figure(rows, labels, Translator(lang)) if rows else None})

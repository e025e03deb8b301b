"""The Experience page (/experience, 体验指标): the KPIs of a period against the previous
period and a baseline, their definitions, a trend chart, a table by group and an A/B
comparison of two groups of customers."""
from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from xinsheng.config import get_settings
from xinsheng.deps import require
from xinsheng.errors import InvalidInput
from xinsheng.journeys.ab import AB_METRICS
from xinsheng.journeys.charts import event_words
from xinsheng.journeys.definitions import load_journeys
from xinsheng.journeys.experience import BY
from xinsheng.journeys.experience_i18n import TEXTS
from xinsheng.journeys.experience_views import ab_doc, experience_doc
from xinsheng.journeys.queries import SEGMENTS
from xinsheng.web.charts import chart_layout
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, Translator, pick_lang
from xinsheng.web.templating import render

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})

router = APIRouter(dependencies=[require("metrics.read")])

#: (key, text, kind): kind "pct" (a share), "num", "sec", "survey"
ROWS = (("contacts", "xp_contacts", "num"), ("fcr", "xp_fcr", "pct"), ("repeat_rate", "xp_repeat", "pct"),
        ("abandonment_rate", "xp_abandon", "pct"), ("handle_seconds", "xp_handle", "sec"),
        ("wait_seconds", "xp_wait", "sec"), ("sentiment", "xp_sentiment", "num"),
        ("negative_share", "xp_negative", "pct"), ("complaints_per_10k", "xp_complaints", "num"),
        ("nps", "xp_nps", "survey"), ("csat", "xp_csat", "survey"), ("ces", "xp_ces", "survey"))
_FIELDS = ("from", "to", "by", "segment", "baseline_from", "baseline_to", "seg_a", "refs_a", "seg_b", "refs_b", "metric",
           "journey", "step")


def _value(doc: dict | None, key: str, kind: str):
    if not doc:
        return None
    v = doc.get(key)  # days and weeks carry no survey figures
    return (v or {}).get("value") if kind == "survey" else v


def show(v, kind: str, t: Translator) -> str:
    if v is None:
        return "—"
    if kind == "pct":
        return f"{v * 100:.1f}%"
    if kind == "sec":
        return t.fmt("xp_seconds", n=v)
    return f"{v:,}" if isinstance(v, int) else f"{v}"


def change(cur, other, kind: str) -> str:
    """The change from ``other`` to ``cur`` (percentage points for shares)."""
    if cur is None or other is None:
        return "—"
    d = (cur - other) * (100 if kind == "pct" else 1)
    return f"{d:+.1f}" + (" pp" if kind == "pct" else "")


def _group_label(by: str, key: str, t: Translator, journeys) -> Markup | str:
    if by == "channel":
        return t.channel(key)
    if by == "segment":
        return t(f"jn_seg_{key}") if key in SEGMENTS else t("xp_unknown") if key == "unknown" else Markup(
            '<span data-user-content>{}</span>').format(key)
    if by == "journey" and key in journeys:
        return journeys[key].title(t.lang)
    if by == "touchpoint":
        return event_words(key, t)
    return key


def trend_figure(series: list[dict], t: Translator) -> str:
    x = [s["start"][:10] for s in series]
    traces = [{"type": "scatter", "mode": "lines+markers", "name": t(label), "x": x,
               "y": [round(s[key] * 100, 1) for s in series]}
              for key, label in (("fcr", "xp_fcr"), ("repeat_rate", "xp_repeat"), ("abandonment_rate", "xp_abandon"),
                                 ("negative_share", "xp_negative"))]
    traces.append({"type": "bar", "name": t("xp_contacts"), "x": x, "y": [s["contacts"] for s in series],
                   "yaxis": "y2", "opacity": 0.3})
    layout = chart_layout(t.lang, height=340, margin={"l": 50, "r": 50, "t": 10, "b": 40}, legend={"orientation": "h"},
                          yaxis={"ticksuffix": "%", "rangemode": "tozero"},
                          yaxis2={"overlaying": "y", "side": "right", "rangemode": "tozero", "showgrid": False})
    return json.dumps({"data": traces, "layout": layout}, ensure_ascii=False)


def _ab(db, form: dict, t: Translator) -> tuple[dict | None, dict]:
    if not (form["seg_a"] or form["refs_a"]) or not (form["seg_b"] or form["refs_b"]):
        return None, {}
    groups = {g: ("refs:" + form[f"refs_{g}"]) if form[f"refs_{g}"] else form[f"seg_{g}"] for g in "ab"}
    try:
        step = int(form["step"]) if form["step"] else None
    except ValueError:
        return None, {"step": t("xp_err_step")}
    try:
        return ab_doc(db, group_a=groups["a"], group_b=groups["b"], metric=form["metric"] or "fcr",
                      t_from=form["from"] or None, t_to=form["to"] or None, journey=form["journey"] or None,
                      step=step), {}
    except InvalidInput as exc:
        field = exc.data.get("field", "group_a")
        field = field if f"xp_err_{field}" in TEXTS else "step" if field in ("steps", "window") else "group_a"
        return None, {field: t(f"xp_err_{field}")}


@router.get("/experience", response_class=HTMLResponse)
def experience_page(request: Request):
    t = Translator(pick_lang(request))
    q = request.query_params
    form = {k: (q.get(k) or "").strip() for k in _FIELDS}
    form["segment"] = form["segment"] or "all"
    form["journey"] = form["journey"] or "loan_application"
    settings = get_settings()
    journeys = load_journeys(settings.home)
    ctx = {"form": form, "segments": SEGMENTS, "bys": BY, "metrics": tuple(AB_METRICS), "journeys": journeys,
           "errors": {}, "doc": None, "rows": ROWS, "show": lambda v, k: show(v, k, t), "change": change,
           "value": _value}
    db = request.app.state.engine
    try:
        doc = experience_doc(db, form["from"] or None, form["to"] or None, form["by"] or None, form["segment"],
                             form["baseline_from"] or None, form["baseline_to"] or None)
    except InvalidInput as exc:
        field = exc.data.get("field", "from")
        ctx["errors"] = {field: t(f"xp_err_{field}", t("xp_err_from"))}
        return render(request, "journeys/experience.html", ctx)
    ab, ab_errors = _ab(db, form, t)
    ctx.update(doc=doc, ab=ab, errors=ab_errors, trend=trend_figure(doc["series"], t),
               labels={g["group"]: _group_label(doc["by"], g["group"], t, journeys) for g in doc["groups"]})
    return render(request, "journeys/experience.html", ctx)

"""The Journeys page (/journeys, 客户旅程): funnel, bottleneck, help needed, paths after
drop-off (Sankey) and a before/after comparison of one step."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from xinsheng.config import get_settings
from xinsheng.deps import require
from xinsheng.errors import InvalidInput
from xinsheng.journeys.charts import event_words, funnel_figure, sankey_figure
from xinsheng.journeys.compare import compare_step
from xinsheng.journeys.definitions import load_journeys, parse_period
from xinsheng.journeys.experience_i18n import TEXTS as XP_TEXTS
from xinsheng.journeys.i18n import TEXTS
from xinsheng.journeys.queries import SEGMENTS
from xinsheng.journeys.service import analytic_engine, build_request, funnel, help_needed, paths
from xinsheng.journeys.step_kpis import step_kpis
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, Translator, pick_lang
from xinsheng.web.templating import render

WEB_TEXTS.update({k: v for k, v in {**TEXTS, **XP_TEXTS}.items() if k not in WEB_TEXTS})

router = APIRouter(dependencies=[require("metrics.read")])


def _labels(req, t: Translator, html: bool = False) -> list:
    """Step names: the journey's own, else the channel's and event's words (HTML: unknown
    events marked as data; plain text for the charts)."""
    j = req.journey
    if j and j.step_labels.get(t.lang):
        return [Markup(escape(j.step_title(i, t.lang))) if html else j.step_title(i, t.lang)
                for i in range(len(req.steps))]
    return [_event_html(s.code, t) if html else event_words(s.code, t) for s in req.steps]


def _event_html(code: str, t: Translator) -> Markup:
    """A step code for a page: the channel's and the event's words (unknown events marked as data)."""
    channel, _, event = code.partition(":")
    return Markup("{} · {}").format(t.channel(channel), t.event(event))


def _duration(seconds: float | None, t: Translator) -> str:
    if seconds is None:
        return "—"
    if seconds < 120:
        return t.fmt("jn_seconds", n=round(seconds))
    if seconds < 7200:
        return t.fmt("jn_minutes", n=round(seconds / 60))
    hours = round(seconds / 3600, 1)
    return t.fmt("jn_hours", n=int(hours) if hours == int(hours) else hours)


def _compare(request, req, form, eng, t) -> tuple[dict | None, dict]:
    """The before/after block when a change date is given; errors by field."""
    if not form["at"]:
        return None, {}
    try:
        day = datetime.fromisoformat(form["at"]).date()
    except ValueError:
        return None, {"at": t("jn_err_date")}
    try:
        step, days = int(form["cstep"] or 0), int(form["days"] or 14)
    except ValueError:
        return None, {"days": t("jn_err_days")}
    at = datetime.combine(day, time(), ZoneInfo(get_settings().display_timezone))
    try:
        return compare_step(eng, req, step, at, days), {}
    except InvalidInput as exc:
        field = exc.data.get("field")
        return None, {"cstep" if field == "step" else "days": t("jn_err_step" if field == "step" else "jn_err_days")}


@router.get("/journeys", response_class=HTMLResponse)
def journeys_page(request: Request, journey: str | None = None, steps: str | None = None, window: str | None = None,
                  t_from: str | None = None, t_to: str | None = None, segment: str | None = None,
                  at: str | None = None, cstep: str | None = None, days: str | None = None):
    t = Translator(pick_lang(request))
    t_from = request.query_params.get("from", t_from)
    t_to = request.query_params.get("to", t_to)
    settings = get_settings()
    if not steps and not journey:
        journey = "loan_application"
    form = {"journey": journey or "", "steps": steps or "", "window": window or "", "from": t_from or "",
            "to": t_to or "", "segment": segment or "all", "at": at or "", "cstep": cstep or "", "days": days or "14"}
    ctx = {"form": form, "journeys": load_journeys(settings.home), "segments": SEGMENTS, "errors": {}}
    try:
        start, end = parse_period(t_from, t_to, settings.display_timezone, datetime.now(timezone.utc), 90)
        req = build_request(journey=journey if not steps else None, steps=steps or None, window=window,
                            start=start, end=end, segment=segment, home=settings.home)
    except InvalidInput as exc:
        field = exc.data.get("field", "steps")
        ctx["errors"] = {field: t(f"jn_err_{field}", t("jn_err_steps"))}
        return render(request, "journeys/journeys.html", ctx, status_code=200)
    eng = analytic_engine(request.app.state.engine, settings.home)
    fun, drop, hlp = funnel(eng, req), paths(eng, req, depth=2), help_needed(eng, req)
    labels, html_labels = _labels(req, t), _labels(req, t, html=True)
    by_code = dict(zip((s.code for s in req.steps), html_labels))
    comparison, errors = _compare(request, req, form, eng, t)
    ctx.update(step_kpis=step_kpis(eng, request.app.state.engine, req, home=settings.home)["steps"])
    ctx.update(errors=errors, req=req, funnel=fun, labels=html_labels, plain_labels=labels, help=hlp, paths=drop["paths"], by_code=by_code,
               comparison=comparison, duration=lambda s: _duration(s, t), event_words=lambda c: _event_html(c, t),
               funnel_fig=funnel_figure(labels, [s["customers"] for s in fun["steps"]], t),
               sankey_fig=sankey_figure(drop["paths"], dict(zip((s.code for s in req.steps), labels)), t) if drop["paths"] else None,
               help_channels=[t.channel(c) for c in hlp["channels"]],
               period=(start, end, (end - timedelta(microseconds=1)).date()))
    return render(request, "journeys/journeys.html", ctx)

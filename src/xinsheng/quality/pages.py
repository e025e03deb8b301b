"""质检 / Quality (/quality): the review queue, scores by agent, weekly trends by team and
agent (Plotly), the calibration of each rule; /quality/calls/{id}: one call's transcript with
its findings highlighted at their times, and the supervisor's verdicts (qa.review)."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from xinsheng.db import utcnow
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.errors import InvalidInput
from xinsheng.identity.principal import Principal
from xinsheng.quality import service
from xinsheng.quality.actions import do_review
from xinsheng.quality.i18n import TEXTS
from xinsheng.quality.rules import default_rules
from xinsheng.quality.transcript import Turn
from xinsheng.web.charts import chart_layout
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, Translator, pick_lang
from xinsheng.web.templating import render

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, require("qa.read")]
Reviewer = Annotated[Principal, require("qa.review")]
DAYS = (7, 30, 90, 180)


def rule_label(code: str, lang: str) -> str:
    rule = default_rules().rule(code)
    return rule.label(lang) if rule else code


def note_text(note: str | None, t: Translator) -> str:
    if not note:
        return ""
    code, _, value = note.partition(":")
    return t(f"qa_note_{code}", "").format(x=value)


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = int(seconds)
    return f"{s // 60:02d}:{s % 60:02d}"


def trend_figure(series: dict[str, list[tuple[str, float, int]]], t: Translator) -> str:
    traces = [{"type": "scatter", "mode": "lines+markers", "name": name, "x": [w for w, _, _ in pts],
               "y": [m for _, m, _ in pts], "customdata": [n for _, _, n in pts],
               "hovertemplate": "%{x}: %{y} (n=%{customdata})<extra>" + name + "</extra>"}
              for name, pts in series.items()]
    layout = chart_layout(t.lang, height=280, margin={"l": 40, "r": 10, "t": 10, "b": 40},
                          legend={"orientation": "h"}, yaxis={"range": [0, 100]})
    return json.dumps({"data": traces, "layout": layout}, ensure_ascii=False)


@router.get("/quality", response_class=HTMLResponse)
def quality_page(request: Request, session: SessionDep, me: Reader,
                 days: Annotated[str, Query(max_length=4)] = "30",
                 agent: Annotated[str, Query(max_length=64)] = ""):
    t = Translator(pick_lang(request))
    n_days = int(days) if days.isdigit() and int(days) in DAYS else 30
    since = utcnow() - timedelta(days=n_days)
    teams = service.weekly_scores(session, since, "team")
    agents = service.weekly_scores(session, since, "agent")
    worst = [a["agent"] for a in service.agent_figures(session, since)][:8]
    ctx = {"days": n_days, "all_days": DAYS, "agent": agent.strip(),
           "queue": service.list_queue(session, 50, agent.strip() or None),
           "agents": service.agent_figures(session, since), "calibration": service.calibration(session),
           "team_fig": trend_figure(teams, t) if teams else None,
           "agent_fig": trend_figure({a: agents[a] for a in worst if a in agents}, t) if agents else None,
           "label": lambda c: rule_label(c, t.lang), "clock": clock}
    return render(request, "quality/quality.html", ctx)


def _marked_turns(view: service.CallView) -> list[dict]:
    """The transcript's turns, each split into plain and highlighted pieces: a finding's evidence
    is marked in the turn it was said in (the turn whose time holds the finding's start)."""
    turns = [Turn(**{k: d[k] for k in ("speaker", "start", "end", "text")}) for d in view.check.turns]
    marks: dict[int, list[tuple[int, int, object]]] = {}
    for f in view.findings:
        if not f.evidence or f.start_s is None:
            continue
        quote = f.evidence.rstrip("…")
        for i, turn in enumerate(turns):
            at = turn.text.find(quote)
            if at >= 0 and turn.start - 0.05 <= f.start_s <= turn.end + 0.05:
                spans = marks.setdefault(i, [])
                if all(at >= e or at + len(quote) <= s for s, e, _ in spans):
                    spans.append((at, at + len(quote), f))
                break
    out = []
    for i, turn in enumerate(turns):
        pieces, pos = [], 0
        for s, e, f in sorted(marks.get(i, []), key=lambda m: m[0]):
            pieces += [(turn.text[pos:s], None), (turn.text[s:e], f)]
            pos = e
        pieces.append((turn.text[pos:], None))
        out.append({"index": i, "turn": turn, "pieces": [p for p in pieces if p[0]]})
    return out


def _call(request: Request, session, check_id: int, errors: dict | None = None, typed: dict | None = None,
          saved: int | None = None, status: int = 200):
    t = Translator(pick_lang(request))
    view = service.get_call(session, check_id)
    ctx = {"view": view, "turns": _marked_turns(view), "errors": errors or {}, "typed": typed or {},
           "saved": saved, "label": lambda c: rule_label(c, t.lang), "note": lambda n: note_text(n, t),
           "clock": clock}
    return render(request, "quality/call.html", ctx, status_code=status)


@router.get("/quality/calls/{check_id}", response_class=HTMLResponse)
def call_page(request: Request, session: SessionDep, me: Reader, check_id: int, saved: int | None = None):
    return _call(request, session, check_id, saved=saved)


@router.post("/quality/calls/{check_id}/findings/{finding_id}", response_class=HTMLResponse)
async def review_finding(request: Request, session: SessionDep, me: Reviewer, audit: Audit, check_id: int,
                         finding_id: int):
    """A verdict on one finding; an overturn without a reason: the page again, the message beside
    the reason field, the choice kept."""
    form = await request.form()
    verdict, reason = str(form.get("verdict") or ""), str(form.get("reason") or "")[:2000]
    view = service.get_call(session, check_id)
    if finding_id not in {f.id for f in view.findings}:
        return _call(request, session, check_id, status=404)
    try:
        do_review(session, finding_id, verdict, reason, me.actor)
    except InvalidInput as exc:
        session.rollback()
        t = Translator(pick_lang(request))
        field = exc.data.get("field", "verdict")
        errors = {finding_id: {field: t("qa_err_reason" if field == "reason" else "qa_err_verdict")}}
        return _call(request, session, check_id, errors, {finding_id: {"verdict": verdict, "reason": reason}},
                     status=422)
    audit("qa.review", target_type="qa_finding", target_ref=str(finding_id),
          detail={"verdict": verdict, "check": check_id})
    return RedirectResponse(f"/quality/calls/{check_id}?saved={finding_id}#f-{finding_id}", status_code=303)

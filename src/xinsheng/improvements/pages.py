"""改进行动 / Improvement actions (/improvements): the list, one action with its before/after
chart and verdict, the create and edit forms (errors beside the field, what was typed kept),
and the state buttons. surveys.read to read, surveys.write to change. The open actions also
appear on /satisfaction (``surveys.pages.SECTIONS``)."""
from __future__ import annotations

import json
import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup
from pydantic import ValidationError

from xinsheng.cases.i18n import topic_choices
from xinsheng.db import utcnow
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.errors import XinshengError
from xinsheng.identity.principal import Principal
from xinsheng.improvements import service
from xinsheng.improvements.actions import MOVES, do_change_state, do_create_action, do_update_action
from xinsheng.improvements.evaluate import evaluate
from xinsheng.improvements.i18n import TEXTS
from xinsheng.improvements.schemas import ActionCreate, ActionUpdate
from xinsheng.surveys import pages as satisfaction
from xinsheng.web.charts import chart_layout
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, Translator, pick_lang
from xinsheng.web.templating import render, templates

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, require("surveys.read")]
Writer = Annotated[Principal, require("surveys.write")]
CREATE_FIELDS = ("title", "problem_kind", "problem_ref", "change_zh", "change_en", "owner", "promised_date", "metric",
                 "window_days", "customer_refs", "raised_since", "raised_until")
EDIT_FIELDS = ("title", "change_zh", "change_en", "owner", "promised_date", "window_days")
_FONT = {"family": "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"}


def _field_of(exc: Exception) -> str | None:
    if isinstance(exc, ValidationError):
        loc = exc.errors()[0]["loc"]
        return str(loc[0]) if loc else None
    return (getattr(exc, "data", None) or {}).get("field")


def _body(values: dict, fields: tuple[str, ...], cls):
    """The request body from the form: blanks left out (create) or None (edit: a required one is refused)."""
    if cls is ActionUpdate:
        return cls(**{k: values.get(k) or None for k in fields})
    data = {k: values[k] for k in fields if values.get(k)}
    if "customer_refs" in data:
        data["customer_refs"] = [r for r in re.split(r"[\s,，]+", data["customer_refs"]) if r]
    return cls(**data)


def _form(request: Request, action, values: dict, field: str | None, status: int = 200) -> HTMLResponse:
    return render(request, "improvements/form.html", {
        "action": action, "v": values, "field": field, "topics": topic_choices(pick_lang(request)),
        "kinds": ("topic", "touchpoint", "journey_step"), "metrics": ("topic_rate", "csat", "ces", "none")},
        status_code=status)


@router.get("/improvements", response_class=HTMLResponse)
def list_page(request: Request, session: SessionDep, me: Reader,
              state: Annotated[str, Query(max_length=16)] = ""):
    actions = service.list_actions(session, state if state in ("open", *MOVES) else None)
    counts = service.customer_counts(session, [a.id for a in actions])
    return render(request, "improvements/list.html", {"actions": actions, "counts": counts, "state": state,
                                                      "may_write": me.can("surveys.write")})


@router.get("/improvements/new", response_class=HTMLResponse)
def new_page(request: Request, me: Writer):
    return _form(request, None, {"problem_kind": "topic", "window_days": "14"}, None)


@router.post("/improvements/new", response_class=HTMLResponse)
async def create(request: Request, session: SessionDep, me: Writer, audit: Audit):
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in CREATE_FIELDS}
    try:
        action = do_create_action(session, _body(values, CREATE_FIELDS, ActionCreate), actor=me.name, now=utcnow())
    except (ValidationError, XinshengError) as exc:
        session.rollback()
        return _form(request, None, values, _field_of(exc) or "title", 422)
    audit("improvement.create", target_type="improvement", target_ref=action.ref)
    return RedirectResponse(f"/improvements/{action.ref}", status_code=303)


def _chart(ev: dict, t: Translator) -> str | None:
    if not ev.get("before") or ev["before"]["value"] is None:
        return None
    sides = [ev["before"], ev["after"]]
    names = [f"{t('ia_before')} ({ev['windows']['before'][0]} – {ev['windows']['before'][1]})",
             f"{t('ia_after')} ({ev['windows']['after'][0]} – {ev['windows']['after'][1]})"]
    trace = {"type": "bar", "x": names, "y": [s["value"] for s in sides], "marker": {"color": ["#9ca3af", "#2563eb"]},
             "error_y": {"type": "data", "symmetric": False, "array": [s["ci95"][1] - s["value"] for s in sides],
                         "arrayminus": [s["value"] - s["ci95"][0] for s in sides]},
             "customdata": [s["n"] for s in sides], "hovertemplate": "%{y:.1f} (n=%{customdata})<extra></extra>"}
    layout = {"separators": ".,", "height": 280, "margin": {"l": 50, "r": 10, "t": 10, "b": 50}, "font": _FONT,
              "showlegend": False, "xaxis": {"type": "category"}}
    return json.dumps({"data": [trace], "layout": layout}, ensure_ascii=False)


def _daily(ev: dict, t: Translator) -> str | None:
    points = [(d, v) for d, v in ev.get("daily") or [] if v is not None]
    if not points:
        return None
    trace = {"type": "scatter", "mode": "lines+markers", "name": t("ia_daily"), "x": [d for d, _ in points],
             "y": [v for _, v in points], "hovertemplate": "%{x}: %{y:.1f}<extra></extra>"}
    ship = ev["shipped_on"]
    layout = chart_layout(t.lang, height=260, margin={"l": 50, "r": 10, "t": 10, "b": 40}, font=_FONT,
                          showlegend=False, shapes=[{"type": "line", "x0": ship, "x1": ship, "yref": "paper",
                                                     "y0": 0, "y1": 1, "line": {"dash": "dot", "color": "#dc2626"}}])
    return json.dumps({"data": [trace], "layout": layout}, ensure_ascii=False)


def _show(request: Request, session, me: Principal, ref: str, error: str | None = None, note: str | None = None,
          status: int = 200) -> HTMLResponse:
    action = service.get_action(session, ref)
    t = Translator(pick_lang(request))
    ev = evaluate(session, action, now=utcnow())
    return render(request, "improvements/show.html", {
        "a": action, "counts": service.customer_counts(session, [action.id])[action.id],
        "customers": service.linked_customers(session, action), "ev": ev, "chart": _chart(ev, t),
        "daily": _daily(ev, t), "moves": MOVES[action.state], "may_write": me.can("surveys.write"),
        "error": error, "note": note}, status_code=status)


@router.get("/improvements/{ref}", response_class=HTMLResponse)
def show_page(request: Request, session: SessionDep, me: Reader, ref: str,
              told: Annotated[int | None, Query(ge=0)] = None, saved: Annotated[int | None, Query()] = None):
    t = Translator(pick_lang(request))
    note = t("ia_told_now").format(n=told) if told is not None else t("ia_saved") if saved else None
    return _show(request, session, me, ref, note=note)


@router.post("/improvements/{ref}/state", response_class=HTMLResponse)
async def change_state(request: Request, session: SessionDep, me: Writer, audit: Audit, ref: str):
    form = await request.form()
    action = service.get_action(session, ref)
    state, shipped_on = str(form.get("state") or ""), str(form.get("shipped_on") or "").strip()
    try:
        from datetime import date

        day = date.fromisoformat(shipped_on) if shipped_on else None
    except ValueError:
        return _show(request, session, me, ref, error="shipped_on", status=422)
    try:
        told = do_change_state(session, action, state, now=utcnow(), shipped_on=day)
    except XinshengError as exc:
        session.rollback()
        return _show(request, session, me, ref, error=_field_of(exc) or "state", status=exc.status)
    audit("improvement.state", target_type="improvement", target_ref=ref, detail={"state": state, "told": told})
    return RedirectResponse(f"/improvements/{ref}" + (f"?told={told}" if state == "shipped" else "?saved=1"),
                            status_code=303)


@router.get("/improvements/{ref}/edit", response_class=HTMLResponse)
def edit_page(request: Request, session: SessionDep, me: Writer, ref: str):
    a = service.get_action(session, ref)
    values = {k: str(getattr(a, k) or "") for k in EDIT_FIELDS}
    return _form(request, a, values, None)


@router.post("/improvements/{ref}/edit", response_class=HTMLResponse)
async def edit(request: Request, session: SessionDep, me: Writer, audit: Audit, ref: str):
    a = service.get_action(session, ref)
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in EDIT_FIELDS}
    try:
        do_update_action(session, a, _body(values, EDIT_FIELDS, ActionUpdate), now=utcnow())
    except (ValidationError, XinshengError) as exc:
        session.rollback()
        return _form(request, service.get_action(session, ref), values, _field_of(exc) or "title", 422)
    audit("improvement.update", target_type="improvement", target_ref=ref)
    return RedirectResponse(f"/improvements/{ref}?saved=1", status_code=303)


def open_actions_section(session, t: Translator) -> Markup:
    """The open actions and their state, for the Satisfaction page."""
    actions = service.list_actions(session, "open", limit=10)
    html = templates.env.get_template("improvements/_open.html").render(t=t, actions=actions)
    return Markup(html)


if open_actions_section not in satisfaction.SECTIONS:
    satisfaction.SECTIONS.append(open_actions_section)

"""Cases pages: 工单 (queues), the case page and its actions, 投诉监控 (monitor), the settings editor.

Thin: reads go through ``cases.service`` (and the monitor's and hand-off's read modules),
writes through ``cases.actions``. A refused action re-renders the case page with the
message beside its form, in the page's language, and what was typed kept.

Who sees what: the queues and case pages need ``cases.read`` (and the case must be in the
viewer's queues, else 404); acting needs ``cases.write``; the complaint monitor is for
people who read aggregates (``metrics.read``: supervisors, analysts …) and for complaint
handlers; the settings editor for supervisors (``cases.write`` and ``metrics.read``).
"""
from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from xinsheng.cases import actions, service
from xinsheng.cases import config_editor as editor
from xinsheng.cases.charts import level_name, monitor_panels
from xinsheng.cases.configfiles import ConfigFileError
from xinsheng.cases.forms import FieldError, build_action, explain, form_values
from xinsheng.cases.handoff import handoff_summary
from xinsheng.cases.i18n import ROOT_CAUSES, TEXTS, label, topic_choices, topic_label
from xinsheng.cases.monitor import monitor_report
from xinsheng.cases.pageview import allowed_actions, my_level, queue_tabs, row_view
from xinsheng.db import utcnow
from xinsheng.deps import Audit, CurrentUser, SessionDep, require
from xinsheng.errors import Forbidden, NotFound, XinshengError
from xinsheng.identity.principal import Principal
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, Translator, pick_lang
from xinsheng.web.templating import render, templates

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
templates.env.globals.setdefault("cs_label", label)
templates.env.globals.setdefault("cs_topic_label", topic_label)
templates.env.globals.setdefault("cs_topic_choices", topic_choices)

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, require("cases.read")]
Worker = Annotated[Principal, require("cases.write")]


def can_monitor(me: Principal) -> bool:
    """The complaint monitor: aggregates readers and complaint handlers."""
    return me.can("metrics.read") or (me.can("cases.write") and me.row_scope == "complaints")


def can_configure(me: Principal) -> bool:
    return me.can("cases.write") and me.can("metrics.read")


templates.env.globals.setdefault("cs_can_monitor", can_monitor)
templates.env.globals.setdefault("cs_can_configure", can_configure)


@router.get("/cases", response_class=HTMLResponse)
def queue_page(request: Request, session: SessionDep, me: Reader,
               queue: Annotated[str, Query(max_length=8)] = "", done: Annotated[str, Query(max_length=16)] = "",
               ref: Annotated[str, Query(max_length=64)] = ""):
    """My queue and my tier's unassigned queue, highest risk and least time left first."""
    tabs = queue_tabs(me)
    queue = queue if queue in tabs else tabs[0]
    page = service.list_cases(session, me, queue=queue, status="open", limit=100)
    cal, now, lang = editor.active(session, "calendar"), utcnow(), pick_lang(request)
    return render(request, "cases/queue.html", {
        "tabs": tabs, "queue": queue, "rows": [row_view(c, cal, now, lang) for c in page.items],
        "total": page.total if page.total is not None else len(page.items), "done": done, "done_ref": ref,
    })


@router.get("/cases/monitor", response_class=HTMLResponse)
def monitor_page(request: Request, session: SessionDep, me: CurrentUser,
                 days: Annotated[int, Query(ge=7, le=365)] = 30):
    """投诉监控: the pyramid, SLA states, ageing, escalations by rule, root causes."""
    if not can_monitor(me):
        raise Forbidden("the complaint monitor is for supervisors, analysts and complaint handlers")
    report = monitor_report(session, editor.active(session, "calendar"), utcnow(), days=days)
    t = Translator(pick_lang(request))
    return render(request, "cases/monitor.html", {
        "report": report, "panels": monitor_panels(report, t, editor.active(session, "authority"))})


@router.get("/cases/settings", response_class=HTMLResponse)
def settings_page(request: Request, session: SessionDep, me: Worker,
                  name: Annotated[str, Query(max_length=16)] = "policies", saved: int = 0):
    """The cases data files as YAML a supervisor edits."""
    _may_configure(me)
    names = editor.available()
    name = name if name in names else names[0]
    return _settings(request, session, names, name, None, None, bool(saved))


def _may_configure(me: Principal) -> None:
    if not can_configure(me):
        raise Forbidden("editing the cases settings is for supervisors")


def _settings(request, session, names, name, typed: str | None, error: ConfigFileError | None, saved: bool,
              status: int = 200):
    cur = editor.current(session, name)
    return render(request, "cases/settings.html", {
        "names": names, "name": name, "cur": cur, "text": cur.text if typed is None else typed,
        "error": error, "saved": saved}, status_code=status)


@router.post("/cases/settings/{name}", response_class=HTMLResponse)
def save_settings(name: str, request: Request, session: SessionDep, me: Worker, audit: Audit,
                  content: Annotated[str, Form(max_length=editor.MAX_BYTES)] = ""):
    """Check and store one file; a broken one comes back with its line and problem beside it."""
    _may_configure(me)
    names = editor.available()
    if name not in names:
        raise NotFound(f"no cases data file {name!r}")
    try:
        editor.do_save_config(session, name, content, actor=me.actor)
    except ConfigFileError as exc:
        session.rollback()
        return _settings(request, session, names, name, content, exc, False, 422)
    audit("cases.config.update", target_type="case_config", target_ref=name,
          detail={"bytes": len(content.encode("utf-8")), "lines": content.count("\n") + 1})
    return RedirectResponse(f"/cases/settings?name={name}&saved=1", status_code=303)


@router.get("/cases/new", response_class=HTMLResponse)
def new_case_page(request: Request, session: SessionDep, me: Worker, audit: Audit,
                  customer_ref: Annotated[str, Query(min_length=1, max_length=64)]):
    """The open-a-case form on its own (the customer page carries the same form)."""
    _customer_visible(session, me, customer_ref, audit)
    return render(request, "cases/new.html", {"ref": customer_ref, "values": {}, "error": None})


def _customer_visible(session, me: Principal, customer_ref: str, audit: Audit) -> None:
    from xinsheng.customers.access import ensure_customer_visible

    try:
        ensure_customer_visible(session, me, customer_ref)
    except Forbidden:
        audit("customer.denied", target_type="customer", target_ref=customer_ref)
        raise


@router.post("/cases/new", response_class=HTMLResponse)
async def open_case(request: Request, session: SessionDep, me: Worker, audit: Audit):
    """Open a case for a customer (from the customer page); then show the case."""
    from xinsheng.cases.forms import build_case

    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in
              ("customer_ref", "kind", "title", "channel", "topic", "text", "source_external_id")}
    if me.row_scope != "all":  # a person opens cases for the customers they may see
        _customer_visible(session, me, values["customer_ref"], audit)
    t = Translator(pick_lang(request))
    actions.use_auditor(session, audit)
    owner = me.user_id if me.role in actions.CASE_ROLES else None
    try:
        case = actions.do_open_case(session, build_case(values), actor=me.actor, role=me.role, now=utcnow(),
                                    owner_user_id=owner)
    except (FieldError, ValidationError, XinshengError) as exc:
        session.rollback()
        if isinstance(exc, NotFound):
            raise
        refusal = explain(exc, t, action="open")
        return render(request, "cases/new.html", {"ref": values["customer_ref"], "values": values, "error": refusal},
                      status_code=refusal.status)
    return _after(session, me, case.case_ref, "open")


@router.get("/cases/{case_ref}", response_class=HTMLResponse)
def case_page(case_ref: str, request: Request, session: SessionDep, me: Reader, audit: Audit,
              done: Annotated[str, Query(max_length=16)] = ""):
    """The case, the customer's timeline, every earlier action, the hand-off summary,
    suggested answers, and the actions the viewer may take."""
    case = service.get_case(session, case_ref, me)
    audit("case.read", target_type="case", target_ref=case_ref, detail={"via": "page"})
    return _case(request, session, me, audit, case, done=done)


def _case(request, session, me, audit, case, *, done: str = "", refused: dict | None = None, status: int = 200):
    from xinsheng.interactions.service import list_timeline

    read = service.case_read(session, case)
    cal, now, lang = editor.active(session, "calendar"), utcnow(), pick_lang(request)
    authority = editor.active(session, "authority")
    timeline, timeline_hidden = None, False
    if case.customer_id is not None and read.customer_ref:
        try:
            _customer_visible(session, me, read.customer_ref, audit)
            timeline = list_timeline(session, case.customer_id, limit=30)
            audit("customer.read", target_type="customer", target_ref=read.customer_ref,
                  detail={"via": "case page", "case_ref": read.case_ref})
        except Forbidden:
            timeline_hidden = True
    t = Translator(lang)
    level = my_level(me, authority)
    return render(request, "cases/case.html", {
        "c": read, "row": row_view(read, cal, now, lang), "handoff": handoff_summary(session, case),
        "timeline": timeline, "timeline_hidden": timeline_hidden, "ref": read.customer_ref,
        "allowed": allowed_actions(read, me, authority), "done": done, "refused": refused or {},
        "my_level": level, "level_name": lambda n: level_name(t, authority, n), "authority": authority,
        "root_causes": ROOT_CAUSES, "suggest_level": _suggested_level(refused),
    }, status_code=status)


def _suggested_level(refused: dict | None) -> int | None:
    """After a decision above the viewer's authority: the level to escalate to."""
    refusal = (refused or {}).get("decide")
    return refusal[0].level if refusal else None


@router.get("/cases/{case_ref}/suggestions", response_class=HTMLResponse, dependencies=[require("kb.read")])
def case_suggestions(case_ref: str, request: Request, session: SessionDep, me: Reader):
    """Suggested answers for the case's text (the knowledge base's panel, loaded after the page)."""
    from xinsheng.knowledge import flows

    case = service.get_case(session, case_ref, me)
    query = (case.text or case.title or "").strip()
    result = flows.search_articles(session, query, k=3) if query else None
    return render(request, "cases/_suggestions.html", {"result": result, "query": query,
                                                        "customer_ref": None})


@router.post("/cases/{case_ref}/act/{action}", response_class=HTMLResponse)
async def act(case_ref: str, action: str, request: Request, session: SessionDep, me: Worker, audit: Audit):
    """One action from the case page; refused: the page again with the message beside the form."""
    case = service.get_case(session, case_ref, me, for_update=True)
    values = form_values(await request.form(), action)
    actions.use_auditor(session, audit)
    try:
        body = build_action(action, values, kind=case.kind)
        actions.apply_action(session, case, body, me, utcnow())
    except (FieldError, ValidationError, XinshengError) as exc:
        if isinstance(exc, NotFound):
            raise
        session.rollback()
        case = service.get_case(session, case_ref, me)
        t = Translator(pick_lang(request))
        authority = editor.active(session, "authority")
        refusal = explain(exc, t, action=action, status=case.status, my_level=my_level(me, authority),
                          level_name=lambda n: level_name(t, authority, n))
        return _case(request, session, me, audit, case, refused={action: (refusal, values)}, status=refusal.status)
    return _after(session, me, case_ref, action)


def _after(session, me: Principal, case_ref: str, action: str) -> RedirectResponse:
    """Back to the case; to the queue when the case has left the viewer's queues (escalated away)."""
    try:
        service.get_case(session, case_ref, me)
    except NotFound:
        return RedirectResponse(f"/cases?done={action}&ref={quote(case_ref)}", status_code=303)
    return RedirectResponse(f"/cases/{quote(case_ref)}?done={action}", status_code=303)

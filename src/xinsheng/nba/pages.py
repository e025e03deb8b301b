"""The customer page's next-best-action panel (loaded by htmx into 客户360) and its outcome buttons."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from xinsheng.customers.views import Reader, check_access
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.nba.catalogue import active_catalogue
from xinsheng.nba.i18n import TEXTS
from xinsheng.nba.service import next_best_actions, record_outcome
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, pick_lang
from xinsheng.web.templating import render

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
router = APIRouter(dependencies=[require("customers.read")])


def _panel(request: Request, session, me, ref: str, recorded: str | None = None):
    lang = pick_lang(request)
    cat = active_catalogue()
    ranking = next_best_actions(session, ref, limit=5, lang=lang, catalogue=cat)
    return render(request, "nba/_panel.html", {
        "ref": ref, "ranking": ranking, "recorded": recorded, "can_write": me.can("nba.write"),
        "labels": {o.code: o.name(lang) for o in cat.offers}})


@router.get("/customers/{customer_ref}/next-best-actions", response_class=HTMLResponse)
def panel(customer_ref: str, request: Request, session: SessionDep, me: Reader, audit: Audit):
    """The panel: offers with reasons, what was left out and why."""
    check_access(session, me, customer_ref, audit)
    audit("nba.read", target_type="customer", target_ref=customer_ref, detail={"via": "page"})
    return _panel(request, session, me, customer_ref)


@router.post("/customers/{customer_ref}/next-best-actions/outcomes", response_class=HTMLResponse,
             dependencies=[require("nba.write")])
def panel_outcome(customer_ref: str, request: Request, session: SessionDep, me: Reader, audit: Audit,
                  code: Annotated[str, Form()], outcome: Annotated[str, Form()]):
    """Record an outcome from the panel's buttons; answers with the panel again."""
    check_access(session, me, customer_ref, audit)
    record_outcome(session, customer_ref, code, outcome, me.actor)
    audit("nba.outcome", target_type="customer", target_ref=customer_ref,
          detail={"code": code, "outcome": outcome, "via": "page"})
    return _panel(request, session, me, customer_ref, recorded=outcome)

"""HTML pages: the home page, customer search, and the domains' page routers."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from xinsheng.cases.pages import router as case_pages
from xinsheng.customers.pages import router as customer_pages
from xinsheng.insights.pages import router as insights_pages
from xinsheng.audit.pages import router as audit_pages
from xinsheng.identity.admin import router as admin_pages
from xinsheng.identity.pages import router as identity_pages
from xinsheng.customers.service import count_customers, recently_contacted, search_customers
from xinsheng.deps import Audit, CurrentUser, SessionDep, require
from xinsheng.interactions.service import (contacts_in_week_before, daily_channel_volume, latest_contact_at,
                                           total_interactions)
from xinsheng.knowledge.pages import router as knowledge_pages
from xinsheng.web.charts import volume_figure
from xinsheng.web.i18n import Translator, pick_lang
from xinsheng.web.templating import render

router = APIRouter(include_in_schema=False)
router.include_router(customer_pages)
router.include_router(case_pages)
router.include_router(insights_pages)
router.include_router(knowledge_pages)
router.include_router(identity_pages)
router.include_router(admin_pages)
router.include_router(audit_pages)


@router.get("/", response_class=HTMLResponse, dependencies=[require("signed_in")])
def home(request: Request, session: SessionDep, me: CurrentUser, audit: Audit):
    """Totals, daily contacts per channel (chart), customer search, recent customers."""
    t = Translator(pick_lang(request))
    last_week = contacts_in_week_before(session, latest_contact_at(session))
    recent = recently_contacted(session, me) if me.can("customers.read") else []
    if recent:
        audit("customer.list", target_type="customer", detail={"via": "home", "customer_refs": [c.customer_ref for c in recent]})
    return render(request, "home.html", {
        "customers_total": count_customers(session),
        "contacts_total": total_interactions(session),
        "contacts_7d": last_week,
        "volume_chart": volume_figure(daily_channel_volume(session), t),
        "recent": recent,
    })


@router.get("/customers", response_class=HTMLResponse, dependencies=[require("customers.read")])
def customer_search(request: Request, session: SessionDep, me: CurrentUser, audit: Audit,
                    q: Annotated[str, Query(max_length=64)] = ""):
    """Search results among the customers the user may see; an htmx request gets only the list.

    The audit entry lists the customers shown, never the query (it may be a name)."""
    results = search_customers(session, q, me)
    if results:
        audit("customer.search", target_type="customer",
              detail={"customer_refs": [c.customer_ref for c in results]})
    name = "_customer_list.html" if request.headers.get("hx-request") else "customer_search.html"
    return render(request, name, {"customers": results, "q": q})

"""HTML pages of the web shell: the home page and customer search (``xinsheng.routers`` mounts them)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from xinsheng.config import get_settings
from xinsheng.customers.access import shows_pii
from xinsheng.customers.service import count_customers, recently_contacted, search_customers
from xinsheng.deps import Audit, CurrentUser, SessionDep, require
from xinsheng.interactions.service import (contacts_in_week_before, daily_channel_volume, latest_contact_at,
                                           total_interactions)
from xinsheng.shell.home import role_cards, tools_for
from xinsheng.web.charts import volume_figure
from xinsheng.web.i18n import Translator, pick_lang
from xinsheng.web.messages import why_scope
from xinsheng.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse, dependencies=[require("signed_in")])
def home(request: Request, session: SessionDep, me: CurrentUser, audit: Audit):
    """Totals and daily contacts per channel (chart) for everyone; then what the role does:
    its tools, customer search and recent customers (roles that read customers), knowledge
    status (editors), IVR menu choices (designers)."""
    t = Translator(pick_lang(request))
    latest = latest_contact_at(session)
    recent = recently_contacted(session, me) if me.can("customers.read") else []
    if recent:
        audit("customer.list", target_type="customer", detail={"via": "home", "customer_refs": [c.customer_ref for c in recent]})
    return render(request, "home.html", {
        "customers_total": count_customers(session),
        "contacts_total": total_interactions(session),
        "contacts_7d": contacts_in_week_before(session, latest),
        "volume_chart": volume_figure(daily_channel_volume(session), t),
        "recent": recent, "recent_empty": _recent_empty(t, me),
        "tools": tools_for(me), **role_cards(session, me, latest),
    })


def _recent_empty(t: Translator, me) -> str:
    """Why the recent-customers list is empty, for this role's row scope."""
    key = {"served": "empty_recent_served", "complaints": "empty_recent_complaints",
           "clients": "empty_recent_clients"}.get(me.row_scope or "", "empty_recent_all")
    return t.fmt(key, days=get_settings().serving_days)


#: longest customer search (a reference prefix or a name)
MAX_QUERY = 64


@router.get("/customers", response_class=HTMLResponse, dependencies=[require("customers.read")])
def customer_search(request: Request, session: SessionDep, me: CurrentUser, audit: Audit, q: str = ""):
    """Search results among the customers the user may see; an htmx request gets only the list.
    A query that is too long, or that finds nothing, says why in the list.

    The audit entry lists the customers shown, never the query (it may be a name)."""
    t = Translator(pick_lang(request))
    error = t.fmt("fe_search_long", n=MAX_QUERY, got=len(q)) if len(q) > MAX_QUERY else None
    results = search_customers(session, q, me) if error is None else []
    if results:
        audit("customer.search", target_type="customer",
              detail={"customer_refs": [c.customer_ref for c in results]})
    fragment = bool(request.headers.get("hx-request"))  # htmx swaps only 2xx answers into the page
    return render(request, "_customer_list.html" if fragment else "customer_search.html",
                  {"customers": results, "q": q, "error": error, "empty": None if error else _search_empty(t, me, q)},
                  status_code=422 if error and not fragment else 200)


def _search_empty(t: Translator, me, q: str) -> list:
    """What an empty result means: what was looked for, and what this role cannot find."""
    q = q.strip()
    if not q:
        return []
    reasons = [t.fmt_data("empty_search_ref_or_name" if shows_pii(me) else "empty_search_ref", q=q)]
    if not shows_pii(me) and not q.isascii():
        reasons.insert(0, t("no_name_search"))
    if me.row_scope in ("served", "complaints", "clients"):
        reasons.append(t.fmt("empty_search_scope", why=why_scope(t, me)))
    return reasons

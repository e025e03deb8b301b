"""The customer page (/customers/{ref}): profile, notes, open cases, timeline."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from xinsheng.customers.service import get_customer, get_profile
from xinsheng.deps import SessionDep, require
from xinsheng.interactions.service import list_timeline
from xinsheng.web.templating import render

router = APIRouter(dependencies=[require("customers.read")])
PAGE = 30


@router.get("/customers/{customer_ref}", response_class=HTMLResponse)
def customer_page(customer_ref: str, request: Request, session: SessionDep):
    """One customer as the hotline, the advisor and the branch all see them."""
    profile = get_profile(session, customer_ref)
    timeline = list_timeline(session, get_customer(session, customer_ref).id, limit=PAGE)
    return render(request, "customers/detail.html", {"c": profile, "ref": customer_ref, "timeline": timeline})


@router.get("/customers/{customer_ref}/timeline", response_class=HTMLResponse)
def customer_timeline_fragment(
    customer_ref: str, request: Request, session: SessionDep,
    before: Annotated[datetime | None, Query()] = None,
):
    """The next page of the timeline (htmx replaces the "load more" button with it)."""
    timeline = list_timeline(session, get_customer(session, customer_ref).id, limit=PAGE, before=before)
    return render(request, "customers/_timeline.html", {"ref": customer_ref, "timeline": timeline})

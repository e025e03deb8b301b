"""The customer page (/customers/{ref}): profile, notes, open cases, timeline; unmask."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from xinsheng.customers.service import get_customer, get_profile
from xinsheng.customers.views import Reader, check_access
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.interactions.service import list_timeline
from xinsheng.web.i18n import Translator, pick_lang
from xinsheng.web.templating import render, templates

router = APIRouter(dependencies=[require("customers.read")])
PAGE = 30
#: shortest reason for showing personal data in clear
MIN_REASON, MAX_REASON = 5, 500
#: emotions shown on the timeline: intensity (0–1) from which the engine's finding is worth a chip
EMOTION_SHOWN = 0.3
# every page that includes the timeline (the case page too) shows emotions from the same intensity
templates.env.globals.setdefault("emotion_min", EMOTION_SHOWN)


def _page(request: Request, session, me, ref: str, audit: Audit, *, unmask: bool = False,
          reason: str | None = None, unmask_error: str | None = None):
    check_access(session, me, ref, audit)
    profile = get_profile(session, ref, me, unmask=unmask)
    timeline = list_timeline(session, get_customer(session, ref).id, limit=PAGE)
    if unmask:
        audit("customer.unmask", target_type="customer", target_ref=ref, reason=reason,
              detail={"via": "page"})
    else:
        audit("customer.read", target_type="customer", target_ref=ref,
              detail={"via": "page", "masked": profile.masked})
    return render(request, "customers/detail.html", {
        "c": profile, "ref": ref, "timeline": timeline, "unmasked": unmask, "emotion_min": EMOTION_SHOWN,
        "can_unmask": profile.masked and me.can("customers.unmask"),
        "reason": reason if unmask_error else None, "unmask_error": unmask_error,
    }, status_code=422 if unmask_error else 200)


@router.get("/customers/{customer_ref}", response_class=HTMLResponse)
def customer_page(customer_ref: str, request: Request, session: SessionDep, me: Reader, audit: Audit):
    """One customer as the hotline, the advisor and the branch all see them."""
    return _page(request, session, me, customer_ref, audit)


@router.post("/customers/{customer_ref}/unmask", response_class=HTMLResponse,
             dependencies=[require("customers.unmask")])
def customer_unmask(customer_ref: str, request: Request, session: SessionDep, me: Reader, audit: Audit,
                    reason: Annotated[str, Form()] = ""):
    """The same page with personal data in clear, for this view only; the reason is logged.
    A reason that is too short gives the masked page again, the message beside the field."""
    if not MIN_REASON <= len(reason.strip()) <= MAX_REASON:
        t = Translator(pick_lang(request))
        short = len(reason.strip()) < MIN_REASON
        error = t.fmt("fe_reason_short", n=MIN_REASON) if short else t.fmt("fe_max_chars", n=MAX_REASON, got=len(reason))
        return _page(request, session, me, customer_ref, audit, reason=reason, unmask_error=error)
    return _page(request, session, me, customer_ref, audit, unmask=True, reason=reason.strip())


@router.get("/customers/{customer_ref}/timeline", response_class=HTMLResponse)
def customer_timeline_fragment(
    customer_ref: str, request: Request, session: SessionDep, me: Reader, audit: Audit,
    before: Annotated[datetime | None, Query()] = None,
):
    """The next page of the timeline (htmx replaces the "load more" button with it)."""
    check_access(session, me, customer_ref, audit)
    timeline = list_timeline(session, get_customer(session, customer_ref).id, limit=PAGE, before=before)
    audit("customer.timeline", target_type="customer", target_ref=customer_ref,
          detail={"via": "page", "items": len(timeline.items)})
    return render(request, "customers/_timeline.html", {"ref": customer_ref, "timeline": timeline,
                                                        "emotion_min": EMOTION_SHOWN})

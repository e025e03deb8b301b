"""The revenue-at-risk page (``/revenue-at-risk``, 流失预警): figures for those who read metrics,
the list of customers at risk for everyone who reads customers, within their row access."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from xinsheng.cases.i18n import topic_label
from xinsheng.customers.views import Reader
from xinsheng.db import utcnow
from xinsheng.config import get_settings
from xinsheng.deps import SessionDep, require
from xinsheng.journeys.definitions import load_journeys
from xinsheng.profiles import pages as _texts  # noqa: F401  (the catalogue entries)
from xinsheng.profiles.models import CustomerProfile
from xinsheng.profiles.risk import AT_RISK, at_risk, cached_silence, silence_in_batches
from xinsheng.web.i18n import Translator, pick_lang
from xinsheng.web.templating import render

router = APIRouter(dependencies=[require("customers.read")])


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _money(value) -> str:
    return "—" if value is None else f"{value:,.0f}"


@router.get("/revenue-at-risk", response_class=HTMLResponse)
def revenue_at_risk(request: Request, session: SessionDep, me: Reader):
    """The arithmetic of silence, the money at risk by tier, journey, topic and channel, and the customers at risk."""
    t = Translator(pick_lang(request))
    figures = me.can("metrics.read")
    silence = None
    if figures:
        silence = cached_silence(session)
        if silence is None:  # no `profiles churn` run yet: computed now, a batch of customers at a time
            silence = silence_in_batches(session)
    scored = bool(session.scalar(select(func.count()).select_from(CustomerProfile)
                                 .where(CustomerProfile.churn_risk.is_not(None))))
    journeys = load_journeys(get_settings().home)
    risk = at_risk(session, me, utcnow(), journeys=journeys.values()) if scored else None

    def name_of(key: str, value) -> str:
        if value in (None, "-"):
            return t("rr_none_value")
        if key == "tier":
            return t("pf_tier_" + value)
        if key == "channel":
            return t.channel(value)
        if key == "journey":
            return journeys[value].title(t.lang) if value in journeys else value
        return topic_label(value, t.lang)

    return render(request, "profiles/revenue_risk.html", {
        "silence": silence, "show_figures": figures, "scored": scored, "risk": risk, "threshold": _pct(AT_RISK),
        "pct": _pct, "money": _money, "name_of": name_of})

"""The customer page's profile card (``/customers/{ref}/profile-card``, loaded by the page)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from xinsheng.customers.service import get_customer
from xinsheng.customers.views import Reader, check_access
from xinsheng.deps import Audit, SessionDep, require
from xinsheng.profiles.derive import FEATURES
from xinsheng.profiles.i18n import TEXTS
from xinsheng.profiles.store import read_profile
from xinsheng.web.i18n import TEXTS as WEB_TEXTS, Translator, pick_lang
from xinsheng.web.templating import render

WEB_TEXTS.update({k: v for k, v in TEXTS.items() if k not in WEB_TEXTS})
router = APIRouter(dependencies=[require("customers.read")])
_CODED = {"value_tier": "pf_tier_", "lifecycle": "pf_life_", "digital_skill": "pf_skill_"}


def _source(t: Translator, source: str) -> str:
    if source.startswith("holdings"):
        return t("pf_src_holdings") + source[len("holdings"):].split(":")[0]
    if source.startswith("customer record"):
        return t("pf_src_record")
    if source.startswith("contacts of") or "surveys" in source:
        return t("pf_src_mixed")
    if source.startswith("no contact"):
        return t("pf_src_quiet")
    return t("pf_src_contacts")


def shown(t: Translator, name: str, value) -> str:
    """A feature's value in the page's language."""
    if name in _CODED:
        return t(_CODED[name] + str(value))
    if name == "aum_cny":
        return f"{value:,.0f}"
    if name == "vulnerability":
        return t("pf_yes" if value else "pf_no")
    if name == "risk_preference":
        return t.fmt("pf_risk", assessed=f"R{value['assessed']}" if value["assessed"] else "—",
                     held=f"R{value['held_max']}" if value["held_max"] else "—")
    if name == "recent_experience":
        return t("pf_exp_" + value["level"]) + " · " + t.fmt(
            "pf_exp_detail", bad=value["bad_contacts"], cmp=value["complaints"], open=value["open_complaints"])
    if name == "channel_preference":
        return t.channel(str(value))
    return str(value)


@router.get("/customers/{customer_ref}/profile-card", response_class=HTMLResponse)
def profile_card(customer_ref: str, request: Request, session: SessionDep, me: Reader, audit: Audit):
    """Each profile feature, its value (数据不足 when there is not enough data) and where it came from."""
    check_access(session, me, customer_ref, audit)
    profile = read_profile(session, get_customer(session, customer_ref).id)
    t = Translator(pick_lang(request))
    rows = []
    for name in FEATURES:
        f = profile["features"][name]
        value = None if f["value"] is None else shown(t, name, f["value"])
        rows.append({"name": name, "value": value, "source": _source(t, f["source"] or ""), "detail": f["source"]})
    churn = profile.get("churn")
    rows.append({"name": "churn_risk", "value": None, "source": "", "detail": None} if not churn else {
        "name": "churn_risk", "value": f"{churn['score'] * 100:.0f}%",
        "source": "、".join(t("rr_r_" + r) for r in churn["reasons"]) if t.lang == "zh" else
        ", ".join(t("rr_r_" + r) for r in churn["reasons"]), "detail": churn.get("as_of")})
    return render(request, "profiles/_card.html", {"rows": rows, "updated": (profile["updated_at"] or "")[:16]})

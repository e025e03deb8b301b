"""Features from a profile's state, the customer record and experience read from cases and
surveys (rules: features.py and docs/profiles.md). Each feature is ``{"value", "source"}``;
value None: not enough data (数据不足)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from xinsheng.profiles.features import DAY, RECENT_DAYS, _f, age_band, tier_of

FEATURES = ("value_tier", "aum_cny", "lifecycle", "channel_preference", "digital_skill", "risk_preference",
            "age_band", "vulnerability", "recent_experience")


def _tier(h: dict | None, customer: dict) -> dict:
    if h is not None:
        return _f(tier_of(h["aum"]), f"holdings {h['as_of']}")
    if customer.get("segment") in ("mass", "affluent", "private"):
        return _f(customer["segment"], "customer record (segment)")
    return _f(None, None)


def _lifecycle(state: dict, h: dict | None, customer: dict, now: datetime) -> dict:
    c = state.get("c")
    if h is None and c is None:
        return _f(None, None)
    today = now.date()
    if h is not None and h["peak180"] >= 1000 and h["aum"] <= 0.1 * h["peak180"]:
        return _f("churned", f"holdings: AUM {h['aum']:,.0f} of a 180-day peak {h['peak180']:,.0f}")
    opened = customer.get("opened")
    if opened and date.fromisoformat(opened[:10]) >= today - timedelta(days=180):
        return _f("new", f"customer record: opened {opened[:10]}")
    quiet_contacts = c is None or c["last"] < now.timestamp() - RECENT_DAYS * DAY
    quiet_holdings = h is None or date.fromisoformat(h["changed"]) < today - timedelta(days=RECENT_DAYS)
    if quiet_contacts and quiet_holdings:
        return _f("dormant", "no contact and no holdings change for 90 days")
    if h is None or h["base_as_of"] == h["as_of"] or h["base_aum"] <= 0:
        return _f("mature", "contacts, no holdings trend") if h is None else _f("mature", f"holdings {h['as_of']}")
    ratio = h["aum"] / h["base_aum"]
    why = f"holdings: AUM {h['aum']:,.0f} on {h['as_of']}, {h['base_aum']:,.0f} on {h['base_as_of']}"
    if ratio < 0.8:
        return _f("declining", why)
    if ratio > 1.2:
        return _f("growing", why)
    return _f("mature", why)


def _channel(state: dict, customer: dict) -> dict:
    ch = state.get("ch") or {}
    if sum(ch.values()) >= 3:
        best = max(sorted(ch), key=lambda k: ch[k])
        return _f(best, f"contacts: {ch[best]} of {sum(ch.values())} inbound")
    return _f(customer.get("preferred_channel"), "customer record (preferred channel)")


def _digital(state: dict) -> dict:
    app = state.get("app") or {}
    ok, fail = app.get("ok", 0), app.get("fail", 0)
    if ok + fail < 3:
        return _f(None, None)
    share = fail / (ok + fail)
    level = "low" if share >= 0.3 else ("high" if ok + fail >= 10 and share < 0.1 else "medium")
    return _f(level, f"app/web: {ok} succeeded, {fail} failed")


def _risk(h: dict | None, customer: dict) -> dict:
    assessed, held = customer.get("risk_level"), (h or {}).get("risk_held")
    if assessed is None and held is None:
        return _f(None, None)
    value = {"assessed": assessed, "held_max": held}
    parts = ([f"assessed R{assessed} (customer record)"] if assessed else []) + (
        [f"holds up to R{held} (holdings {h['as_of']})"] if held else [])
    return _f(value, "; ".join(parts))


def _vulnerable(state: dict, customer: dict, now: datetime) -> dict:
    by = customer.get("birth_year")
    if state.get("vul", 0) >= now.timestamp() - 365 * DAY:
        return _f(True, "a contact flagged the customer vulnerable")
    if by and now.year - by >= 70:
        return _f(True, f"aged {now.year - by} (customer record)")
    if by is None and not state.get("c"):
        return _f(None, None)
    return _f(False, "customer record and contacts")


def _experience(state: dict, exp: dict, now: datetime) -> dict:
    since = now.timestamp() - RECENT_DAYS * DAY
    recent = {k: sum(1 for e in state.get(k, ()) if since <= e <= now.timestamp()) for k in ("bad", "neg", "cmp")}
    survey = exp.get("survey")
    if not state.get("c") and not survey and not exp.get("complaints"):
        return _f(None, None)
    value = {"bad_contacts": recent["bad"], "negative": recent["neg"], "complaints": recent["cmp"],
             "open_complaints": exp.get("open_complaints", 0), "repeated_complaints": exp.get("repeated", 0),
             "survey": survey}
    poor = survey is not None and survey.get("poor", 0) > 0
    value["level"] = ("bad" if value["open_complaints"] or recent["bad"] >= 2 or poor
                      else "mixed" if recent["bad"] else "good")
    return _f(value, "contacts of the last 90 days, cases, surveys")


def stored_columns(state: dict, customer: dict, now: datetime) -> dict:
    """The values kept in ``customer_profiles``' typed columns (for grouping in SQL): value tier,
    lifecycle and AUM as of ``now``, without the experience read from cases and surveys."""
    h = state.get("h")
    return {"value_tier": _tier(h, customer)["value"], "lifecycle": _lifecycle(state, h, customer, now)["value"],
            "aum_cny": h["aum"] if h else None}


def derive(state: dict, customer: dict, experience: dict, now: datetime) -> dict:
    """Every feature as of ``now``."""
    h = state.get("h")
    return {
        "value_tier": _tier(h, customer),
        "aum_cny": _f(h["aum"] if h else None, f"holdings {h['as_of']}" if h else None),
        "lifecycle": _lifecycle(state, h, customer, now),
        "channel_preference": _channel(state, customer),
        "digital_skill": _digital(state),
        "risk_preference": _risk(h, customer),
        "age_band": _f(age_band(customer.get("birth_year"), now.date()), "customer record (birth year)"),
        "vulnerability": _vulnerable(state, customer, now),
        "recent_experience": _experience(state, experience, now),
    }

"""Where a caller who asks for a person goes: queue, tier and why.

The first rule that applies decides the queue; tier 2 when any of the care rules apply:

1. an open case with an owner → that owner (``queue: "case_owner"``, ``agent``), the case's tier;
   an open case without one → the case's tier queue;
2. segment ``private`` → ``private_banking`` (tier 2);
3. strong anger in the last 7 days, or a vulnerable customer in the last 90 → ``experienced`` (tier 2);
4. elderly (65 or more) → ``seniors``;
5. an IVR choice in the last day → ``skill:<option>``;
6. else ``general`` (tier 1).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.ivr.i18n import say
from xinsheng.ivr.models import IvrCallerState
from xinsheng.ivr.ranker import ELDERLY_AGE
from xinsheng.ivr.service import ANONYMOUS, age_at, find_caller, open_case, tree_in_force

ANGER_DAYS, VULNERABLE_DAYS, SKILL_HOURS = 7, 90, 24


def _recent(events: dict, name: str, now: float, seconds: float) -> bool:
    at = events.get(name)
    return at is not None and 0 <= now - at <= seconds


def _skill(session: Session, state: dict, now: float, lang: str) -> dict | None:
    last = state.get("last")
    if not last or now - last[2] > SKILL_HOURS * 3600 or last[1] == "agent":
        return None
    node = tree_in_force(session).node(last[0])
    opt = node.option(last[1]) if node else None
    label = (opt.label.get(lang) if opt else None) or last[1]
    return {"queue": f"skill:{last[1]}", "tier": 1, "reason": say("ivr_route_skill", lang, label=label)}


def route(session: Session, caller: str | None, at: datetime, lang: str = "zh") -> dict:
    """``{"queue", "tier", "agent", "reason", "reasons"}`` for ``caller`` at ``at``."""
    default = {"queue": "general", "tier": 1, "agent": None, "reason": say("ivr_route_default", lang), "reasons": []}
    who = None if (caller or "").strip().lower() in ANONYMOUS else find_caller(session, caller.strip())
    if who is None:
        return default
    state = session.scalar(select(IvrCallerState.state).where(IvrCallerState.customer_id == who.customer_id)) or {}
    now, events = at.timestamp(), state.get("ev") or {}
    care = [key for key, name, days in (("ivr_route_anger", "anger", ANGER_DAYS),
                                        ("ivr_route_vulnerable", "vulnerable", VULNERABLE_DAYS))
            if _recent(events, name, now, days * 86400)]
    case = open_case(session, who.customer_id, at)
    decision: dict | None = None
    if case is not None:
        agent = _username(session, case["owner_user_id"])
        decision = ({"queue": "case_owner", "tier": case["tier"], "agent": agent,
                     "reason": say("ivr_route_case_owner", lang, case_ref=case["case_ref"])} if agent else
                    {"queue": f"tier{case['tier']}", "tier": case["tier"],
                     "reason": say("ivr_route_case_tier", lang, case_ref=case["case_ref"], tier=case["tier"])})
    elif who.segment == "private":
        decision = {"queue": "private_banking", "tier": 2, "reason": say("ivr_route_private", lang)}
    elif care:
        decision = {"queue": "experienced", "tier": 2, "reason": say(care[0], lang)}
    elif (age_at(who.birth_year, at) or 0) >= ELDERLY_AGE:
        decision = {"queue": "seniors", "tier": 1, "reason": say("ivr_route_elderly", lang)}
    else:
        decision = _skill(session, state, now, lang)
    out = {**default, **(decision or {})}
    if care:
        out["tier"] = max(out["tier"], 2)
    out["reasons"] = [out["reason"]] + [say(k, lang) for k in care if say(k, lang) != out["reason"]]
    return out


def _username(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    from xinsheng.identity.models import User

    return session.scalar(select(User.username).where(User.id == user_id))

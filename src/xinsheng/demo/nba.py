"""The demo bank's next-best-action campaign, with a planted true uplift (issue 16).

Three waves (75, 45 and 15 days before the demo's end): every customer is ranked with the
real catalogue and rules (notes, suitability, fatigue, history so far); a treated customer is
offered the items shown (up to 3), a hold-out customer nothing. An offered customer accepts
with ``ACCEPT[code]`` a few days later, else declines (or, with ``COMPLAIN``, complains). Any
customer of an action's target group (its segments and ages, as the uplift page counts them)
who was not offered it takes it up on their own with ``OWN[code]`` (0 for care gestures:
nobody takes a gift not given). So, over the target group, the true uplift (intention to
treat) is ``s × (ACCEPT − OWN)``, ``s`` the share of the treated target group that was
offered it: recorded per action in ``facts["nba_uplift"]``.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from xinsheng.db import session_scope
from xinsheng.nba.catalogue import active_catalogue
from xinsheng.nba.models import NbaOutcome
from xinsheng.nba.rank import Event, in_holdout, rank
from xinsheng.nba.service import all_facts
from xinsheng.nba.uplift import targeted

WAVES = (75, 45, 15)  # days before the end
ACCEPT = {"deposit_3y": 0.22, "wealth_steady_r2": 0.18, "fund_balanced_r3": 0.12, "fund_equity_r4": 0.08,
          "pension_plan_r2": 0.15, "credit_card_platinum": 0.10, "elderly_home_service": 0.35,
          "app_coaching": 0.30, "health_checkup": 0.50}
OWN = {"deposit_3y": 0.06, "wealth_steady_r2": 0.05, "fund_balanced_r3": 0.04, "fund_equity_r4": 0.03,
       "pension_plan_r2": 0.04, "credit_card_platinum": 0.03, "elderly_home_service": 0.02,
       "app_coaching": 0.02}
CARE_ACCEPT = 0.6
COMPLAIN = 0.03


def _campaign(rng: random.Random, cat, facts, end: datetime) -> tuple[list[tuple], dict[str, set[int]]]:
    """(customer id, code, outcome, at) of the waves, and who was offered each action."""
    rows: list[tuple] = []
    offered: dict[str, set[int]] = {}
    for cid, f in facts.items():
        if in_holdout(cat, f.customer_ref):
            continue
        history: list[Event] = []
        for days in WAVES:
            at = end - timedelta(days=days, hours=rng.randint(0, 8))
            for item in rank(cat, f, history, at, limit=3).items:
                code = item["code"]
                history.append(Event(code, "offered", at))
                offered.setdefault(code, set()).add(cid)
                rows.append((cid, code, "offered", at))
                later = at + timedelta(days=rng.randint(1, 6))
                u = rng.random()
                p = ACCEPT.get(code, CARE_ACCEPT)
                outcome = "accepted" if u < p else "complained" if u < p + COMPLAIN else "declined"
                history.append(Event(code, outcome, later))
                rows.append((cid, code, outcome, later))
    return rows, offered


def load_nba_outcomes(engine: Engine, end: datetime, seed: int = 42) -> dict:
    """Record the campaign's outcomes; answers the planted truth per action."""
    rng = random.Random(f"xinsheng-demo/{seed}/nba")
    cat = active_catalogue()
    with session_scope(engine) as session:
        facts = all_facts(session, end)
        rows, offered = _campaign(rng, cat, facts, end)
        truth = {}
        for offer in cat.offers:
            group = [cid for cid, f in facts.items() if targeted(offer, f)]
            treated = [cid for cid in group if not in_holdout(cat, facts[cid].customer_ref)]
            own = OWN.get(offer.code, 0.0)
            for cid in group:
                if cid not in offered.get(offer.code, ()) and own and rng.random() < own:
                    rows.append((cid, offer.code, "accepted", end - timedelta(days=rng.randint(1, 80))))
            if offer.code in offered and treated:
                s = len(offered[offer.code] & set(treated)) / len(treated)
                accept = ACCEPT.get(offer.code, CARE_ACCEPT)
                truth[offer.code] = {"offered_share": round(s, 4), "accept_if_offered": accept, "own": own,
                                     "true_uplift": round(s * (accept - own), 4)}
        if rows:
            session.execute(insert(NbaOutcome), [
                {"customer_id": cid, "offer_code": code, "outcome": outcome, "actor": "demo",
                 "holdout": in_holdout(cat, facts[cid].customer_ref), "recorded_at": at}
                for cid, code, outcome, at in rows])
    return {"outcomes": len(rows), "truth": truth}

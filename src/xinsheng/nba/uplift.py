"""Uplift against the hold-out group: share of customers who accepted or complained in each
group, and the difference (treated − hold-out) with a 95 % Wald interval."""
from __future__ import annotations

import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.customers.models import Customer
from xinsheng.nba.catalogue import Catalogue, active_catalogue
from xinsheng.nba.models import NbaOutcome
from xinsheng.nba.rank import in_holdout

Z95 = 1.959963984540054


def diff_ci(a: int, n: int, b: int, m: int) -> dict:
    """Difference of two proportions a/n − b/m with its 95 % Wald interval (None when a group is empty)."""
    if not n or not m:
        return {"difference": None, "low": None, "high": None}
    p, q = a / n, b / m
    se = math.sqrt(p * (1 - p) / n + q * (1 - q) / m)
    return {"difference": p - q, "low": p - q - Z95 * se, "high": p - q + Z95 * se}


def uplift(session: Session, catalogue: Catalogue | None = None) -> dict:
    cat = catalogue or active_catalogue()
    refs = dict((cid, ref) for cid, ref in session.execute(select(Customer.id, Customer.customer_ref)
                                .where(Customer.is_placeholder.is_(False))))
    groups = {cid: in_holdout(cat, ref) for cid, ref in refs.items()}
    seen: dict[str, set[int]] = {"accepted": set(), "complained": set()}
    for cid, outcome in session.execute(select(NbaOutcome.customer_id, NbaOutcome.outcome)):
        if outcome in seen and cid in groups:
            seen[outcome].add(cid)
    out: dict = {"holdout_share": cat.holdout_share}
    size = {g: sum(1 for h in groups.values() if h == (g == "holdout")) for g in ("treated", "holdout")}
    for g in ("treated", "holdout"):
        out[g] = {"customers": size[g]}
        for outcome, ids in seen.items():
            k = sum(1 for cid in ids if groups[cid] == (g == "holdout"))
            out[g][outcome] = k
            out[g][f"{outcome}_rate"] = k / size[g] if size[g] else None
    for outcome in seen:
        out[f"{outcome}_uplift"] = diff_ci(out["treated"][outcome], size["treated"],
                                           out["holdout"][outcome], size["holdout"])
    return out

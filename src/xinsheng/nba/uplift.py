"""Uplift against the hold-out group: share of customers who accepted or complained in each
group, and the difference (treated − hold-out) with a 95 % Wald interval."""
from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.customers.models import Customer
from xinsheng.nba.catalogue import Catalogue, active_catalogue
from xinsheng.nba.models import NbaOutcome
from xinsheng.nba.rank import in_holdout
from xinsheng.nba.service import all_facts

Z95 = 1.959963984540054


def diff_ci(a: int, n: int, b: int, m: int) -> dict:
    """Difference of two proportions a/n − b/m with its 95 % Wald interval (None when a group is empty)."""
    if not n or not m:
        return {"difference": None, "low": None, "high": None}
    p, q = a / n, b / m
    se = math.sqrt(p * (1 - p) / n + q * (1 - q) / m)
    return {"difference": p - q, "low": p - q - Z95 * se, "high": p - q + Z95 * se}


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson's 95 % score interval of k/n."""
    p, z2 = k / n, Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return centre - half, centre + half


def diff_ci_score(a: int, n: int, b: int, m: int) -> dict:
    """a/n − b/m with Newcombe's hybrid score interval (95 %): unlike Wald's, it does not
    shrink to nothing when a group has no acceptance (a gift nobody in the hold-out got)."""
    if not n or not m:
        return {"difference": None, "low": None, "high": None}
    p, q = a / n, b / m
    (l1, u1), (l2, u2) = wilson(a, n), wilson(b, m)
    return {"difference": p - q, "low": p - q - math.sqrt((p - l1) ** 2 + (u2 - q) ** 2),
            "high": p - q + math.sqrt((u1 - p) ** 2 + (q - l2) ** 2)}


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


def targeted(offer, f) -> bool:
    """The action's target group: the customers its segments and ages fit. Notes, suitability,
    holdings and history are left out on purpose: they decide which treated customers were
    actually offered it, but hold-out customers are never ranked, so comparing whole target
    groups (intention to treat) is what the random hold-out split keeps unbiased."""
    if offer.segments and f.segment not in offer.segments:
        return False
    if offer.min_age is not None and (f.age is None or f.age < offer.min_age):
        return False
    return not (offer.max_age is not None and (f.age is None or f.age > offer.max_age))


def action_figures(code: str, group_of: dict[int, bool], outcomes: dict[tuple[int, str], set[str]]) -> dict:
    """One action's figures over its target group (``group_of``: customer → in hold-out)."""
    row: dict = {"code": code}
    for g, holdout in (("treated", False), ("holdout", True)):
        ids = [cid for cid, h in group_of.items() if h == holdout]
        seen = [outcomes.get((cid, code), set()) for cid in ids]
        row[g] = {"customers": len(ids), "offered": sum("offered" in s for s in seen),
                  "accepted": sum("accepted" in s for s in seen),
                  "complained": sum("complained" in s for s in seen)}
        row[g]["acceptance"] = row[g]["accepted"] / len(ids) if ids else None
    t, h = row["treated"], row["holdout"]
    row["accepted_of_offered"] = t["accepted"] / t["offered"] if t["offered"] else None
    row["uplift"] = diff_ci_score(t["accepted"], t["customers"], h["accepted"], h["customers"])
    return row


def uplift_by_action(session: Session, now: datetime, catalogue: Catalogue | None = None) -> list[dict]:
    """Per action of the catalogue: its target group in each arm, offered and accepted counts,
    acceptance (accepted / target group) treated and hold-out, and the uplift (the difference)
    with its 95 % interval (Newcombe's). Actions nobody was offered and nobody accepted are left out."""
    cat = catalogue or active_catalogue()
    facts = all_facts(session, now)
    holdout = {cid: in_holdout(cat, f.customer_ref) for cid, f in facts.items()}
    outcomes: dict[tuple[int, str], set[str]] = {}
    for cid, code, outcome in session.execute(select(NbaOutcome.customer_id, NbaOutcome.offer_code,
                                                     NbaOutcome.outcome)):
        outcomes.setdefault((cid, code), set()).add(outcome)
    rows = []
    for offer in cat.offers:
        group_of = {cid: holdout[cid] for cid, f in facts.items() if targeted(offer, f)}
        row = action_figures(offer.code, group_of, outcomes)
        if row["treated"]["offered"] or row["treated"]["accepted"] or row["holdout"]["accepted"]:
            rows.append(row)
    return rows

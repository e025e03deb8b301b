"""The demo bank's holdings (CONTRACT.md "Profiles"), with planted churn.

Each customer's AUM (``attributes.aum``) is split over the products they hold (current
account and certificates of deposit, wealth products at or below their assessed risk level,
funds); loans and cards carry what is owed. Snapshots are sent when a balance changes: every
14 days for wealth and funds (market moves of a few per cent), deposits at the start and
when money moves.

Planted churn (ground truth in ``facts["silent_churn"]``):

* a **bad experience** is a customer's third negative contact within 30 days (the demo's
  ground truth ``attributes.sentiment``) or a contact flagged ``churn_intent``; its day is
  ``bad_experience[ref]``. Customers who also sent a complaint (flag ``complaint``) by then
  ``complained``; the others are ``silent``.
* of those, ``COMPLAINED_CHURN`` and ``SILENT_CHURN`` move 80–100 % of their assets out
  5–40 days after the bad experience, without any warning in their holdings before;
* ``OTHER_CHURN`` of the customers without a bad experience leave too, for reasons no contact
  shows (a move, a better rate elsewhere); half of them draw money down over the 30 days
  before (a trend a holdings-only model can see).

``churn_day[ref]`` is the day most assets left; it may fall after the window's end (not seen).
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

COMPLAINED_CHURN = 0.28
SILENT_CHURN = 0.45
OTHER_CHURN = 0.04
STEP_DAYS = 14
_CATEGORY = {"debit_card": ("DEP-CUR", "deposit"), "deposit_certificate": ("DEP-CD", "deposit"),
             "wealth": ("WM", "wealth"), "fund": ("FUND", "fund")}
_WEIGHT = {"DEP-CUR": 0.25, "DEP-CD": 0.35, "WM": 0.3, "FUND": 0.15}
_DEBT = {"credit_card": ("CC", "credit_card", (2_000, 40_000)), "mortgage": ("LOAN-MTG", "loan", (200_000, 2_000_000)),
         "consumer_loan": ("LOAN-CON", "loan", (10_000, 200_000))}


def bad_experiences(interactions: list[dict]) -> tuple[dict[str, date], set[str]]:
    """Each customer's bad-experience day and who had complained by then (see the module)."""
    negatives: dict[str, list[date]] = defaultdict(list)
    complained_on: dict[str, date] = {}
    bad: dict[str, date] = {}
    for rec in interactions:  # sorted by started_at
        ref, a = rec.get("customer_ref"), rec.get("attributes") or {}
        if not ref or ref in bad:
            continue
        day = datetime.fromisoformat(rec["started_at"]).date()
        flags = a.get("flags") or ()
        if "complaint" in flags:
            complained_on.setdefault(ref, day)
        if a.get("sentiment") == "negative":
            negatives[ref] = [d for d in negatives[ref] if d > day - timedelta(days=30)] + [day]
        if len(negatives[ref]) >= 3 or "churn_intent" in flags:
            bad[ref] = day
    complained = {ref for ref, day in bad.items() if ref in complained_on and complained_on[ref] <= day}
    return bad, complained


def _portfolio(rng: random.Random, customer: dict) -> list[list]:
    """[[product, category, balance, risk]] at the start."""
    attrs, risk = customer["attributes"], customer.get("risk_level") or 1
    held = [_CATEGORY[p] for p in attrs.get("products", ()) if p in _CATEGORY] or [_CATEGORY["debit_card"]]
    total = sum(_WEIGHT[code] for code, _ in held)
    out = []
    for code, category in held:
        level = min(risk, rng.randint(1, 4)) if category in ("wealth", "fund") else None
        product = f"{code}-R{level}" if level else code
        out.append([product, category, round(attrs.get("aum", 0) * _WEIGHT[code] / total, 2), level])
    for p in attrs.get("products", ()):
        if p in _DEBT:
            code, category, (low, high) = _DEBT[p]
            out.append([code, category, float(rng.randint(low, high)), None])
    return out


def _snapshots(rng: random.Random, ref: str, book: list[list], start: date, end: date,
               churn: date | None, drawdown: bool) -> list[dict]:
    rows = [_row(ref, start, item) for item in book]
    day = start + timedelta(days=STEP_DAYS)
    while day <= end:
        for item in book:
            if item[1] in ("wealth", "fund") and item[2] > 0 and (churn is None or day < churn):
                item[2] = round(item[2] * rng.uniform(0.97, 1.04), 2)
                rows.append(_row(ref, day, item))
        if drawdown and churn is not None and churn - timedelta(days=30) <= day < churn:
            for item in book:
                if item[1] == "deposit" and item[2] > 0:
                    item[2] = round(item[2] * 0.7, 2)
                    rows.append(_row(ref, day, item))
        day += timedelta(days=STEP_DAYS)
    if churn is not None and start < churn <= end:
        for item in book:
            if item[1] not in ("loan", "credit_card") and item[2] > 0:
                item[2] = round(item[2] * rng.uniform(0.0, 0.2), 2)
                rows.append(_row(ref, churn, item))
    return rows


def _row(ref: str, day: date, item: list) -> dict:
    row = {"customer_ref": ref, "as_of": day.isoformat(), "product": item[0], "category": item[1],
           "balance_cny": item[2]}
    if item[3]:
        row["risk_level"] = item[3]
    return row


def make_holdings(rng: random.Random, customers: list[dict], interactions: list[dict], start: date,
                  end: date) -> tuple[list[dict], dict]:
    """(holdings records, facts) for the demo bank."""
    bad, complained = bad_experiences(interactions)
    churn_day: dict[str, str] = {}
    kind: dict[str, str] = {}
    rows: list[dict] = []
    for c in customers:
        ref = c["customer_ref"]
        book = _portfolio(rng, c)
        churn, drawdown = None, False
        if ref in bad and rng.random() < (COMPLAINED_CHURN if ref in complained else SILENT_CHURN):
            churn, kind[ref] = bad[ref] + timedelta(days=rng.randint(5, 40)), "after_bad_experience"
        elif ref not in bad and rng.random() < OTHER_CHURN:
            churn = start + timedelta(days=rng.randint(20, (end - start).days + 30))
            drawdown, kind[ref] = rng.random() < 0.5, "other"
        if churn is not None:
            churn_day[ref] = churn.isoformat()
        rows.extend(_snapshots(rng, ref, book, start, end, churn, drawdown))
    rows.sort(key=lambda r: (r["as_of"], r["customer_ref"], r["product"]))
    facts = {
        "rule": "bad experience: 3rd negative contact within 30 days or churn intent; churn: 80-100% of assets "
                "moved out on churn_day",
        "rates": {"complained": COMPLAINED_CHURN, "silent": SILENT_CHURN, "other": OTHER_CHURN},
        "bad_experience": {ref: day.isoformat() for ref, day in sorted(bad.items())},
        "complained": sorted(complained),
        "churn_day": dict(sorted(churn_day.items())),
        "churn_kind": dict(sorted(kind.items())),
    }
    return rows, facts


def score_churn(engine) -> dict | None:
    """Learn and write the churn-risk scores once the demo bank is loaded (the revenue-at-risk
    page and the profile cards show them): a 90-day horizon from 194 days of history (``xinsheng
    demo --days 270``), the longest that fits on a shorter bank; None when it is too small."""
    from xinsheng.errors import InvalidInput
    from xinsheng.profiles.churn import run

    try:
        return run(engine, horizon=None)
    except (InvalidInput, ValueError):
        return None

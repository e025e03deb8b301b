"""Examples for the churn model with a time split: features from data before a cutoff only,
the label from the holdings of the ``horizon`` days after it.

Churn (observed): the customer's assets (deposits, wealth, funds, insurance, other) at some
snapshot within the horizon are at most ``CHURN_SHARE`` of what they were at the cutoff — they
closed their accounts or moved most of their money out. A customer is an example at a cutoff
when they held at least ``MIN_AUM`` then and had not churned already (assets above 10 % of
their peak before the cutoff). Everything here reads rows strictly before the cutoff
(contacts, cases, surveys) or on or before it (holdings snapshots, by their day).
"""
from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass, field
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from xinsheng.cases.models import Case
from xinsheng.customers.models import Customer
from xinsheng.interactions.models import Interaction, InteractionAnalysis
from xinsheng.profiles.features import aum_series, is_bad
from xinsheng.profiles.models import Holding

CHURN_SHARE = 0.3
MIN_AUM = 10_000.0
#: customers read at a time by the churn model and the revenue page's arithmetic
BATCH = 500
HOLDINGS_FEATURES = ("log_aum", "trend_30d", "trend_60d", "products", "has_debt")
EXPERIENCE_FEATURES = ("bad_30d", "bad_90d", "negative_90d", "complaint_flags_90d", "churn_intent_90d",
                       "complaint_cases_90d", "poor_surveys_180d", "app_failures_90d", "days_since_bad", "contacts_90d")
FEATURES = HOLDINGS_FEATURES + EXPERIENCE_FEATURES


@dataclass
class History:
    """Everything the examples are built from, loaded once."""

    series: dict[int, list[tuple[date, float, float, int, int]]] = field(default_factory=dict)
    contacts: dict[int, list[tuple[float, dict]]] = field(default_factory=dict)
    cases: dict[int, list[float]] = field(default_factory=dict)
    surveys: dict[int, list[tuple[float, bool]]] = field(default_factory=dict)
    refs: dict[int, str] = field(default_factory=dict)
    last_day: date | None = None
    #: epoch of the first contact stored: windows reaching back before it are scaled to 90 days
    first_contact: float | None = None


def load_history(session: Session, ids: list[int] | None = None) -> History:
    """The history of the customers ``ids`` (all customers with holdings when None); ``last_day``
    and ``first_contact`` are the whole bank's, so every batch splits time alike."""
    h = History()
    rows: dict[int, list] = defaultdict(list)
    q = select(Holding.customer_id, Holding.as_of, Holding.product, Holding.category, Holding.balance_cny,
               Holding.risk_level)
    for cid, *rest in session.execute(q if ids is None else q.where(Holding.customer_id.in_(ids))):
        rows[cid].append(tuple(rest))
    h.series = {cid: aum_series(r) for cid, r in rows.items()}
    h.last_day = session.scalar(select(func.max(Holding.as_of)))
    h.first_contact = _first_contact(session)
    who = (lambda col: col.in_(select(Holding.customer_id).distinct())) if ids is None else (lambda col: col.in_(ids))
    stmt = (select(Interaction.customer_id, Interaction.started_at, Interaction.channel, Interaction.event,
                   Interaction.outcome, InteractionAnalysis.sentiment_label, InteractionAnalysis.flags,
                   InteractionAnalysis.emotions)
            .outerjoin(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
            .where(who(Interaction.customer_id)))
    contacts: dict[int, list] = defaultdict(list)
    for cid, at, channel, event, outcome, label, flags, emotions in session.execute(stmt):
        contacts[cid].append((at.timestamp(), {"channel": channel, "event": event, "outcome": outcome, "analysis": {
            "sentiment_label": label, "flags": flags or [], "emotions": emotions or {}}}))
    h.contacts = {cid: sorted(v, key=lambda x: x[0]) for cid, v in contacts.items()}
    cases: dict[int, list] = defaultdict(list)
    for cid, at in session.execute(select(Case.customer_id, Case.accepted_at)
                                   .where(Case.kind == "complaint", who(Case.customer_id))):
        if cid is not None and at is not None:
            cases[cid].append(at.timestamp())
    h.cases = cases
    h.surveys = _surveys(session, ids)
    refs = select(Customer.id, Customer.customer_ref)
    h.refs = dict(session.execute(refs if ids is None else refs.where(Customer.id.in_(ids))).all())
    return h


def _first_contact(session: Session) -> float | None:
    first = session.scalar(select(func.min(Interaction.started_at))
                           .where(Interaction.customer_id.in_(select(Holding.customer_id).distinct())))
    return first.timestamp() if first is not None else None


def _surveys(session: Session, ids: list[int] | None) -> dict[int, list]:
    surveys: dict[int, list] = defaultdict(list)
    sql = "SELECT customer_id, metric, score, answered_at FROM survey_responses WHERE customer_id IS NOT NULL"
    if ids is not None:
        sql += " AND customer_id IN (" + ",".join(str(int(i)) for i in ids) + ")"
    for cid, metric, score, at in session.execute(text(sql)):
        poor = (metric == "nps" and score <= 6) or (metric == "csat" and score <= 2) or (metric == "ces" and score >= 6)
        surveys[cid].append((_epoch(at), poor))
    return surveys


def customer_batches(session: Session, size: int = BATCH) -> Iterator[list[int]]:
    """The ids of the customers with holdings, ``size`` at a time (keyset pages: nothing held whole)."""
    last = 0
    while True:
        ids = list(session.scalars(select(Holding.customer_id).where(Holding.customer_id > last).distinct()
                                   .order_by(Holding.customer_id).limit(size)))
        if not ids:
            return
        yield ids
        last = ids[-1]


def iter_histories(session: Session, size: int = BATCH) -> Iterator[History]:
    """The bank's history one batch of ``size`` customers at a time."""
    for ids in customer_batches(session, size):
        yield load_history(session, ids)


def _epoch(at) -> float:
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at.timestamp()


def aum_at(series: list[tuple], day: date) -> float | None:
    """Assets on ``day`` (the newest snapshot on or before it), None before the first."""
    i = bisect.bisect_right([s[0] for s in series], day)
    return series[i - 1][1] if i else None


def holdings_features(series: list[tuple], cutoff: date) -> dict | None:
    past = [s for s in series if s[0] <= cutoff]
    if not past or past[-1][1] < MIN_AUM:
        return None
    now = past[-1][1]
    if now <= 0.1 * max(s[1] for s in past):
        return None  # churned already
    before30 = aum_at(past, cutoff - timedelta(days=30)) or past[0][1]
    before60 = aum_at(past, cutoff - timedelta(days=60)) or past[0][1]
    return {"log_aum": math.log10(now), "trend_30d": now / before30 if before30 else 1.0,
            "trend_60d": now / before60 if before60 else 1.0, "products": past[-1][3], "has_debt": float(past[-1][2] > 0)}


def experience_features(h: History, cid: int, cut: float) -> dict:
    d30, d90, d180 = cut - 30 * 86400, cut - 90 * 86400, cut - 180 * 86400
    f = dict.fromkeys(EXPERIENCE_FEATURES, 0.0)
    last_bad = None
    for at, c in h.contacts.get(cid, ()):
        if at >= cut:
            break
        if at < d90:
            continue
        a = c["analysis"]
        f["contacts_90d"] += 1
        if is_bad(c):
            f["bad_90d"] += 1
            f["bad_30d"] += at >= d30
            last_bad = at
        f["negative_90d"] += a["sentiment_label"] == "negative"
        f["complaint_flags_90d"] += "complaint" in a["flags"]
        f["churn_intent_90d"] += "churn_intent" in a["flags"]
        f["app_failures_90d"] += c["channel"] in ("app", "web") and (c["event"] or "").endswith("_failed")
    f["days_since_bad"] = (cut - last_bad) / 86400 if last_bad is not None else 180.0
    f["complaint_cases_90d"] = float(sum(1 for at in h.cases.get(cid, ()) if d90 <= at < cut))
    _scale(f, h.first_contact, cut)
    f["poor_surveys_180d"] = float(sum(1 for at, poor in h.surveys.get(cid, ()) if poor and d180 <= at < cut))
    return f


def _scale(f: dict, first: float | None, cut: float) -> None:
    """Counts over 90 days as per 90 days of stored history: at a cutoff 30 days after the first
    contact stored, three times what was seen (so two cutoffs compare, whatever history each has)."""
    if first is None:
        return
    seen = min(90.0, max(7.0, (cut - first) / 86400))
    for name in ("bad_90d", "negative_90d", "complaint_flags_90d", "churn_intent_90d", "complaint_cases_90d",
                 "app_failures_90d", "contacts_90d"):
        f[name] = f[name] * 90.0 / seen


def churned_after(series: list[tuple], cutoff: date, horizon: int) -> bool:
    base = aum_at(series, cutoff)
    ahead = [s[1] for s in series if cutoff < s[0] <= cutoff + timedelta(days=horizon)]
    return bool(base) and any(v <= CHURN_SHARE * base for v in ahead)


def examples(h: History, cutoff: date, horizon: int | None, tz) -> tuple[list[int], list[dict], list[int]]:
    """(customer ids, feature dicts, labels) at ``cutoff`` (labels empty when ``horizon`` is None)."""
    cut = datetime.combine(cutoff + timedelta(days=1), datetime.min.time(), tz).timestamp()
    ids, rows, labels = [], [], []
    for cid in sorted(h.series):
        hf = holdings_features(h.series[cid], cutoff)
        if hf is None:
            continue
        ids.append(cid)
        rows.append(hf | experience_features(h, cid, cut))
        if horizon is not None:
            labels.append(int(churned_after(h.series[cid], cutoff, horizon)))
    return ids, rows, labels

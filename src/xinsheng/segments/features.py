"""Each customer's facts for segmentation: the record (segment, age, first seen), the living
profile's AUM and lifecycle when the profiles domain has them, and the last 90 days of
contacts (count, digital share, negative sentiment) and complaints. Read ``BATCH`` customers
at a time (keyset pages by id, each query limited to the page's ids), never the bank whole."""
from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinsheng.customers.models import Customer
from xinsheng.interactions.models import Interaction, InteractionAnalysis

DIGITAL = ("app", "web", "wechat", "chat")
WINDOW_DAYS = 90
#: what the clusters are made of (each standardised before k-means)
FEATURES = ("age", "log_aum", "contacts_90d", "digital_share", "negative_share", "complaints_90d")
#: customers read at a time
BATCH = 5_000
_COLUMNS = (Customer.id, Customer.customer_ref, Customer.segment, Customer.birth_year, Customer.created_at,
            Customer.attributes)


def _contacts(session: Session, since: datetime, lo: int, hi: int) -> dict[int, dict]:
    out: dict[int, dict] = {}
    q = (select(Interaction.customer_id, Interaction.channel, InteractionAnalysis.sentiment_label, func.count())
         .outerjoin(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
         .where(Interaction.customer_id.between(lo, hi), Interaction.started_at >= since)
         .group_by(Interaction.customer_id, Interaction.channel, InteractionAnalysis.sentiment_label))
    for cid, channel, label, n in session.execute(q):
        d = out.setdefault(cid, {"n": 0, "digital": 0, "negative": 0, "analysed": 0})
        d["n"] += n
        d["digital"] += n if channel in DIGITAL else 0
        d["analysed"] += n if label else 0
        d["negative"] += n if label == "negative" else 0
    return out


def _complaints(session: Session, since: datetime, lo: int, hi: int) -> dict[int, int]:
    from sqlalchemy import inspect, text

    if not inspect(session.get_bind()).has_table("cases"):
        return {}
    rows = session.execute(text("SELECT customer_id, COUNT(*) FROM cases WHERE kind = 'complaint' "
                                "AND customer_id BETWEEN :lo AND :hi AND opened_at >= :since GROUP BY customer_id"),
                           {"since": since, "lo": lo, "hi": hi})
    return {cid: n for cid, n in rows}


def _profiles(session: Session, lo: int, hi: int) -> dict[int, tuple[float | None, str | None]]:
    from sqlalchemy import inspect, text

    if not inspect(session.get_bind()).has_table("customer_profiles"):
        return {}
    rows = session.execute(text("SELECT customer_id, aum_cny, lifecycle FROM customer_profiles "
                                "WHERE customer_id BETWEEN :lo AND :hi"), {"lo": lo, "hi": hi})
    return {cid: (aum, lc) for cid, aum, lc in rows}


def customer_facts(session: Session, now: datetime) -> list[dict]:
    """Every customer's facts in one list (small banks and tests; the refresh reads batches)."""
    return [r for batch in iter_customer_facts(session, now) for r in batch]


def iter_customer_facts(session: Session, now: datetime, size: int | None = None) -> Iterator[list[dict]]:
    """One dict per customer (placeholders left out), with the raw facts and the features, a
    batch of ``size`` (``BATCH``) customers at a time in id order."""
    last, size = 0, size or BATCH
    while True:
        customers = session.execute(select(*_COLUMNS).where(Customer.is_placeholder.is_(False), Customer.id > last)
                                    .order_by(Customer.id).limit(size)).all()  # rows, not kept by the session
        if not customers:
            return
        yield _facts(session, customers, now)
        last = customers[-1].id


def _facts(session: Session, customers: list, now: datetime) -> list[dict]:
    since, lo, hi = now - timedelta(days=WINDOW_DAYS), customers[0].id, customers[-1].id
    contacts, complaints = _contacts(session, since, lo, hi), _complaints(session, since, lo, hi)
    profiles = _profiles(session, lo, hi)
    first_seen = dict(session.execute(select(Interaction.customer_id, func.min(Interaction.started_at))
                                      .where(Interaction.customer_id.between(lo, hi))
                                      .group_by(Interaction.customer_id)).all())
    rows = []
    for c in customers:
        aum, lifecycle = profiles.get(c.id, (None, None))
        if aum is None:
            raw = (c.attributes or {}).get("aum_cny")
            aum = float(raw) if isinstance(raw, (int, float)) else None
        seen = min(filter(None, [first_seen.get(c.id), c.created_at]))
        k = contacts.get(c.id, {"n": 0, "digital": 0, "negative": 0, "analysed": 0})
        rows.append({
            "id": c.id, "customer_ref": c.customer_ref, "segment": c.segment, "aum": aum, "lifecycle": lifecycle,
            "age": now.year - c.birth_year if c.birth_year else None,
            "days_known": (now - seen).days, "complaints_90d": complaints.get(c.id, 0),
            "contacts_90d": k["n"], "digital_share": k["digital"] / k["n"] if k["n"] else 0.0,
            "negative": k["negative"], "analysed": k["analysed"],
            "negative_share": k["negative"] / k["analysed"] if k["analysed"] else 0.0,
            "log_aum": math.log10(1 + aum) if aum is not None else None,
        })
    return rows

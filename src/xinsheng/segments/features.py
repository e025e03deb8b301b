"""Each customer's facts for segmentation, read in bulk: the record (segment, age, first
seen), the living profile's AUM and lifecycle when the profiles domain has them, and the
last 90 days of contacts (count, digital share, negative sentiment) and complaints."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinsheng.customers.models import Customer
from xinsheng.interactions.models import Interaction, InteractionAnalysis

DIGITAL = ("app", "web", "wechat", "chat")
WINDOW_DAYS = 90
#: what the clusters are made of (each standardised before k-means)
FEATURES = ("age", "log_aum", "contacts_90d", "digital_share", "negative_share", "complaints_90d")


def _contacts(session: Session, since: datetime) -> dict[int, dict]:
    out: dict[int, dict] = {}
    q = (select(Interaction.customer_id, Interaction.channel, InteractionAnalysis.sentiment_label, func.count())
         .outerjoin(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
         .where(Interaction.customer_id.is_not(None), Interaction.started_at >= since)
         .group_by(Interaction.customer_id, Interaction.channel, InteractionAnalysis.sentiment_label))
    for cid, channel, label, n in session.execute(q):
        d = out.setdefault(cid, {"n": 0, "digital": 0, "negative": 0, "analysed": 0})
        d["n"] += n
        d["digital"] += n if channel in DIGITAL else 0
        d["analysed"] += n if label else 0
        d["negative"] += n if label == "negative" else 0
    return out


def _complaints(session: Session, since: datetime) -> dict[int, int]:
    from sqlalchemy import inspect, text

    if not inspect(session.get_bind()).has_table("cases"):
        return {}
    rows = session.execute(text("SELECT customer_id, COUNT(*) FROM cases WHERE kind = 'complaint' "
                                "AND customer_id IS NOT NULL AND opened_at >= :since GROUP BY customer_id"),
                           {"since": since})
    return {cid: n for cid, n in rows}


def _profiles(session: Session) -> dict[int, tuple[float | None, str | None]]:
    from sqlalchemy import inspect, text

    if not inspect(session.get_bind()).has_table("customer_profiles"):
        return {}
    rows = session.execute(text("SELECT customer_id, aum_cny, lifecycle FROM customer_profiles"))
    return {cid: (aum, lc) for cid, aum, lc in rows}


def customer_facts(session: Session, now: datetime) -> list[dict]:
    """One dict per customer (placeholders left out), with the raw facts and the features."""
    since = now - timedelta(days=WINDOW_DAYS)
    contacts, complaints, profiles = _contacts(session, since), _complaints(session, since), _profiles(session)
    first_seen = dict(session.execute(select(Interaction.customer_id, func.min(Interaction.started_at))
                                      .where(Interaction.customer_id.is_not(None))
                                      .group_by(Interaction.customer_id)).all())
    rows = []
    for c in session.scalars(select(Customer).where(Customer.is_placeholder.is_(False)).order_by(Customer.id)):
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

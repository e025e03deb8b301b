"""Revenue at risk (流失预警): the arithmetic of silence from the bank's own data, and the money
behind the churn-risk scores by segment, journey, VOC topic and channel.

The arithmetic (seed 000: of customers with a bad experience few complain, and the silent ones
leave more often) over the holdings' span: each customer with at least ``MIN_AUM`` at some
snapshot is in one group by what happened before they left (or in the whole span, if they
stayed): ``complained`` (a complaint case or a contact flagged as a complaint), ``silent``
(a bad contact — negative, angry, abandoned, escalated — or a poor survey answer, and no
complaint), ``no_bad``. Churned: assets at a snapshot at most 30 % of their highest before;
the money behind is that drop.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.customers.access import restrict
from xinsheng.customers.models import Customer
from xinsheng.identity.principal import Principal
from xinsheng.interactions.models import Interaction, InteractionAnalysis
from xinsheng.profiles.churn_data import CHURN_SHARE, MIN_AUM, History, iter_histories
from xinsheng.profiles.features import is_bad
from xinsheng.profiles.models import CustomerProfile

GROUPS = ("complained", "silent", "no_bad")
CACHE = "profiles/silence.json"  # under XINSHENG_HOME: written by ``profiles churn``, read by the page
AT_RISK = 0.2  # a score from which a customer is listed as at risk (about 3 × the demo bank's base rate)


def churn_point(series: list[tuple]) -> tuple[float, float] | None:
    """(epoch of the day most assets were gone, the money that left) or None."""
    peak = 0.0
    for day, assets, *_ in series:
        if peak >= MIN_AUM and assets <= CHURN_SHARE * peak:
            return datetime.combine(day, datetime.min.time()).timestamp(), peak - assets
        peak = max(peak, assets)
    return None


def _group(h: History, cid: int, until: float) -> str:
    complained = any(at < until for at in h.cases.get(cid, ()))
    bad = any(poor and at < until for at, poor in h.surveys.get(cid, ()))
    for at, c in h.contacts.get(cid, ()):
        if at >= until:
            break
        complained = complained or "complaint" in c["analysis"]["flags"]
        bad = bad or is_bad(c)
    return "complained" if complained else ("silent" if bad else "no_bad")


def new_silence() -> dict:
    return {g: {"customers": 0, "churned": 0, "aum_lost": 0.0} for g in GROUPS}


def count_silence(h: History, counts: dict) -> dict:
    """Add one batch of customers to the groups' counts (the arithmetic is additive over batches)."""
    for cid, series in h.series.items():
        if not series or max(s[1] for s in series) < MIN_AUM:
            continue
        point = churn_point(series)
        g = counts[_group(h, cid, point[0] + 86400 if point else float("inf"))]
        g["customers"] += 1
        if point:
            g["churned"] += 1
            g["aum_lost"] += point[1]
    return counts


def finish_silence(counts: dict) -> dict:
    """Shares and churn rates from the counts."""
    total = sum(g["customers"] for g in counts.values())
    bad = counts["complained"]["customers"] + counts["silent"]["customers"]
    for name, g in counts.items():
        g["share"] = g["customers"] / total if total else None
        g["share_of_bad"] = g["customers"] / bad if bad and name != "no_bad" else None
        g["churn_rate"] = g["churned"] / g["customers"] if g["customers"] else None
        g["aum_lost"] = round(g["aum_lost"], 2)
    return {"customers": total, "with_bad_experience": bad, "groups": counts}


def silence_arithmetic(h: History) -> dict:
    return finish_silence(count_silence(h, new_silence()))


def silence_in_batches(session: Session) -> dict | None:
    """The arithmetic over the whole bank, read a batch of customers at a time; None without holdings."""
    counts, seen = new_silence(), False
    for h in iter_histories(session):
        count_silence(h, counts)
        seen = True
    return finish_silence(counts) if seen else None


def journey_of(channel: str | None, event: str | None, topic: str | tuple[str | None, ...] | None,
               journeys) -> str | None:
    """The journey a contact belongs to: one of its steps (channel and event), else one whose
    help topics hold the contact's topic on one of its help channels; None when none does.
    ``topic`` may be candidates in order of preference: the first that some journey holds wins."""
    for j in journeys:
        if any(step.channel == channel and step.event == event for step in j.steps):
            return j.name
    for candidate in (topic,) if topic is None or isinstance(topic, str) else topic:
        for j in journeys:
            if candidate and candidate in j.help_topics and channel in j.help_channels:
                return j.name
    return None


def _last_bad(session: Session, ids: list[int], since: datetime, journeys=()) -> dict[int, tuple]:
    """Each customer's latest bad contact since ``since``: (its first topic, its channel, its journey)."""
    out: dict[int, tuple] = {}
    for i in range(0, len(ids), 500):
        stmt = (select(Interaction.customer_id, Interaction.channel, Interaction.event, Interaction.outcome,
                       Interaction.attributes, InteractionAnalysis.topics, InteractionAnalysis.sentiment_label,
                       InteractionAnalysis.flags, InteractionAnalysis.emotions)
                .outerjoin(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
                .where(Interaction.customer_id.in_(ids[i:i + 500]), Interaction.started_at >= since)
                .order_by(Interaction.started_at))
        for cid, channel, event, outcome, attrs, topics, label, flags, emotions in session.execute(stmt):
            contact = {"outcome": outcome, "analysis": {"sentiment_label": label, "flags": flags or [],
                                                        "emotions": emotions or {}}}
            if is_bad(contact):
                topic = ((topics or [{}])[0] or {}).get("code")
                # a journey's help topics are the source's own topic names (attributes.topic), as
                # in the journeys' figures; the VOC topic code is the fallback
                named = (attrs or {}).get("topic") if isinstance(attrs, dict) else None
                journey = journey_of(channel, event, (named, topic), journeys)
                out[cid] = (topic, channel, journey)
    return out


def at_risk(session: Session, me: Principal, now: datetime, limit: int = 50, journeys=()) -> dict:
    """Customers at risk (score ≥ ``AT_RISK``) the viewer may see, and the money behind them
    (expected: score × AUM) by value tier and by the latest bad contact's topic, channel and
    journey (``journeys``: the bank's, journeys/definitions.py)."""
    P = CustomerProfile
    stmt = restrict(select(Customer.id, Customer.customer_ref, Customer.advisor_ref, P.churn_risk, P.aum_cny,
                           P.value_tier, P.state)
                    .join(P, P.customer_id == Customer.id).where(P.churn_risk >= AT_RISK), me)
    rows = session.execute(stmt).all()
    last = _last_bad(session, [r[0] for r in rows], now - timedelta(days=90), journeys)
    keys = ("tier", "topic", "channel", "journey")
    by: dict[str, dict] = {k: defaultdict(lambda: {"customers": 0, "aum": 0.0}) for k in keys}
    for cid, _, _, score, aum, tier, _ in rows:
        topic, channel, journey = last.get(cid, (None, None, None))
        for key, value in zip(keys, (tier, topic, channel, journey)):
            cell = by[key][value or "-"]
            cell["customers"] += 1
            cell["aum"] += score * (aum or 0.0)
    listed = sorted(rows, key=lambda r: -(r[3] * (r[4] or 0.0)))[:limit]
    items = [{"customer_ref": ref, "advisor_ref": adv, "score": score, "aum": aum, "tier": tier,
              "reasons": ((state or {}).get("churn") or {}).get("reasons", []),
              "topic": last.get(cid, (None,))[0]} for cid, ref, adv, score, aum, tier, state in listed]
    summary = {k: sorted(((name, round(v["aum"], 2), v["customers"]) for name, v in d.items()),
                         key=lambda x: -x[1]) for k, d in by.items()}
    return {"customers": len(rows), "aum": round(sum(r[3] * (r[4] or 0.0) for r in rows), 2), "by": summary,
            "items": items, "topics": Counter(t for t, *_ in last.values() if t)}


def fingerprint(session: Session) -> list:
    """What the arithmetic was computed from: the newest holding, contact and case ids."""
    from sqlalchemy import func

    from xinsheng.cases.models import Case
    from xinsheng.profiles.models import Holding

    return [session.scalar(select(func.max(m.id))) for m in (Holding, Interaction, Case)]


def save_silence(session: Session, result: dict, as_of: str) -> None:
    import json

    from xinsheng.config import get_settings

    path = get_settings().home / CACHE
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {**result, "as_of": as_of, "fingerprint": fingerprint(session)}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def cached_silence(session: Session) -> dict | None:
    """The arithmetic as the last ``profiles churn`` computed it, if the data have not changed since."""
    import json

    from xinsheng.config import get_settings

    try:
        doc = json.loads((get_settings().home / CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if doc.get("fingerprint") == fingerprint(session) else None


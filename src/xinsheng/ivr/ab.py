"""The online A/B split's outcomes: the static group against the personalised group.

A caller's group is fixed by a hash of their customer_ref (``service.hears_static``) and the
share in force now. For every root-menu choice of a known caller in the window, per group:
self-service completion (outcome ``resolved``), transfers to an agent (``transferred``),
hang-ups (``abandoned``), and a repeat call (another IVR or phone contact of the same caller
within 24 hours after; a phone call within 10 minutes is the transfer itself). Each rate has a 95 % Wilson interval, and each difference
(personalised − static) a 95 % normal-approximation interval.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinsheng.customers.models import Customer
from xinsheng.interactions.models import Interaction
from xinsheng.ivr.service import ab_share, hears_static

Z95 = 1.959963984540054
REPEAT = timedelta(hours=24)
METRICS = ("self_service", "transferred", "abandoned", "repeat_24h")


@dataclass
class Group:
    n: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))


def wilson(k: int, n: int) -> tuple[float, float]:
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
    return (centre - half, centre + half)


def diff_interval(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float] | None:
    """(p2 − p1, low, high) at 95 %; None when a group is empty."""
    if not n1 or not n2:
        return None
    p1, p2 = k1 / n1, k2 / n2
    half = Z95 * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return (p2 - p1, p2 - p1 - half, p2 - p1 + half)


def _calls(session: Session, since: datetime, until: datetime):
    stmt = (select(Interaction.customer_id, Interaction.channel, Interaction.event, Interaction.started_at,
                   Interaction.outcome, Interaction.attributes, Customer.customer_ref)
            .join(Customer, Customer.id == Interaction.customer_id)
            .where(Interaction.channel.in_(("ivr", "phone")), Interaction.started_at >= since,
                   Interaction.started_at < until + REPEAT, Interaction.direction == "inbound")
            .order_by(Interaction.customer_id, Interaction.started_at))
    return session.execute(stmt.execution_options(yield_per=5000))


def compare(session: Session, since: datetime, until: datetime, share: float | None = None) -> dict:
    """Outcomes per group for root-menu choices in [since, until)."""
    share = ab_share(session, fresh=True) if share is None else share
    groups = {"static": Group(), "personalised": Group()}
    contacts: dict[int, list] = defaultdict(list)
    for row in _calls(session, since, until):
        contacts[row.customer_id].append(row)
    for rows in contacts.values():
        for i, r in enumerate(rows):
            if not (r.channel == "ivr" and r.event == "menu_selected" and since <= r.started_at < until
                    and (r.attributes or {}).get("menu_node", "root") == "root"):
                continue
            g = groups["static" if hears_static(r.customer_ref, share) else "personalised"]
            g.n += 1
            g.counts["self_service"] += r.outcome == "resolved"
            g.counts["transferred"] += r.outcome == "transferred"
            g.counts["abandoned"] += r.outcome == "abandoned"
            g.counts["repeat_24h"] += any(
                later.started_at - r.started_at <= REPEAT and not (later.channel == "phone" and
                                                                   later.started_at - r.started_at < timedelta(minutes=10))
                for later in rows[i + 1:i + 20] if later.started_at > r.started_at)
    out = {"share": share, "since": since.isoformat(), "until": until.isoformat(), "groups": {}, "difference": {}}
    for name, g in groups.items():
        out["groups"][name] = {"calls": g.n, **{m: {"rate": (g.counts[m] / g.n) if g.n else None,
                                                     "ci95": wilson(g.counts[m], g.n)} for m in METRICS}}
    s, p = groups["static"], groups["personalised"]
    for m in METRICS:
        d = diff_interval(s.counts[m], s.n, p.counts[m], p.n)
        out["difference"][m] = None if d is None else {"value": d[0], "ci95": (d[1], d[2])}
    return out

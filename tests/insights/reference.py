"""Answers for the Hot issues tests, computed here without the code under test.

* ``poisson_tail``: P(X ≥ c) for X ~ Poisson(μ), summed from the probability mass function
  (not scipy's survival function, which the product uses);
* ``reference_spikes``: the spike rule of the README, walked day by day over the calendar;
* ``reference_topics``: a topic's totals, negative texts, mean sentiment, daily series and
  spikes, counted from the raw stored analyses of customer (inbound) texts (not from
  ``topic_daily``).
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from xinsheng.config import get_settings
from xinsheng.db import session_scope
from xinsheng.interactions.models import Interaction, InteractionAnalysis


def poisson_tail(c: int, mu: float) -> float:
    """P(X ≥ c), X ~ Poisson(mu): one minus the first c terms of the mass function."""
    term, below = math.exp(-mu), 0.0
    for k in range(c):
        below += term
        term *= mu / (k + 1)
    return max(0.0, 1.0 - below)


def reference_spikes(daily: dict[date, int], *, baseline_days: int = 28, min_baseline_days: int = 7,
                     min_count: int = 5, min_ratio: float = 2.0, alpha: float = 1e-3,
                     floor: float = 0.5) -> list[dict]:
    """Days whose count is a spike: ≥ min_count, ≥ min_ratio × baseline and P(X ≥ count) < alpha
    under Poisson(baseline), the baseline being the mean of up to ``baseline_days`` calendar
    days before (missing days are 0, at least ``min_baseline_days`` since the first day with
    a count), floored at ``floor``."""
    days = sorted(d for d, n in daily.items() if n > 0)
    out = []
    if not days:
        return out
    day = days[0]
    while day <= days[-1]:
        history = (day - days[0]).days
        count = daily.get(day, 0)
        if count >= min_count and history >= min_baseline_days:
            window = [daily.get(day - timedelta(days=k), 0) for k in range(1, min(baseline_days, history) + 1)]
            lam = sum(window) / len(window)
            mu = max(lam, floor)
            p = poisson_tail(count, mu)
            if count >= min_ratio * mu and p < alpha:
                out.append({"day": day.isoformat(), "count": count, "baseline": round(lam, 3), "p_value": p})
        day += timedelta(days=1)
    return out


def reference_topics(engine, days: int, channel: str | None = None) -> dict[str, dict]:
    """Per topic code: label, total, negative, mean sentiment, daily texts, spikes (of its
    negative texts per day, whatever the topic's place in the text's list)."""
    tz = ZoneInfo(get_settings().display_timezone)
    with session_scope(engine) as s:
        rows = s.execute(select(Interaction.started_at, Interaction.channel, InteractionAnalysis.topics,
                                InteractionAnalysis.sentiment_label, InteractionAnalysis.sentiment_score)
                         .join(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
                         .where(Interaction.direction == "inbound")).all()
    if not rows:
        return {}
    last = max(r.started_at.astimezone(tz).date() for r in rows)
    first = last - timedelta(days=days - 1)
    topics: dict[str, dict] = {}
    negative_daily: dict[str, Counter] = defaultdict(Counter)
    for started_at, ch, codes, label, score in rows:
        day = started_at.astimezone(tz).date()
        if day < first or (channel and ch != channel):
            continue
        for code, name in dict((t["code"], t.get("label") or t["code"]) for t in reversed(codes or [])).items():
            t = topics.setdefault(code, {"label": name, "total": 0, "negative": 0, "score_sum": 0.0,
                                         "daily": Counter()})
            t["total"] += 1
            t["daily"][day] += 1
            t["score_sum"] += score or 0.0
            if label == "negative":
                t["negative"] += 1
                negative_daily[code][day] += 1
    for code, t in topics.items():
        t["mean_sentiment"] = t.pop("score_sum") / t["total"]
        t["spikes"] = reference_spikes(negative_daily[code])
    return topics

"""Reads for the Hot issues page (热点问题): topics over time, spikes, emerging clusters.

Works on the stored VOC analyses of the last ``days`` days that have data; days are
counted in the bank's time zone. Aggregation happens here in Python over one query;
a centre at full scale would keep a daily aggregate table instead.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinsheng.config import get_settings
from xinsheng.interactions.models import Interaction, InteractionAnalysis

EXAMPLES = 3


@dataclass
class TopicRow:
    code: str
    label: str
    total: int = 0
    negative: int = 0
    score_sum: float = 0.0
    daily: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    spikes: list[dict] = field(default_factory=list)

    @property
    def negative_share(self) -> float:
        return self.negative / self.total if self.total else 0.0

    @property
    def mean_sentiment(self) -> float:
        return self.score_sum / self.total if self.total else 0.0


@dataclass
class HotIssues:
    days: list[date]
    topics: list[TopicRow]
    clusters: list[dict]
    texts_analysed: int


def _analysed_rows(session: Session, days: int, channel: str | None):
    latest = session.scalar(
        select(func.max(Interaction.started_at)).join(
            InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
    )
    if latest is None:
        return []
    stmt = (
        select(Interaction.started_at, Interaction.text, InteractionAnalysis.topics,
               InteractionAnalysis.sentiment_label, InteractionAnalysis.sentiment_score,
               InteractionAnalysis.keywords)
        .join(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
        .where(Interaction.started_at > latest - timedelta(days=days))
    )
    if channel:
        stmt = stmt.where(Interaction.channel == channel)
    return session.execute(stmt).all()


def _day_range(rows, tz: ZoneInfo) -> list[date]:
    if not rows:
        return []
    first = min(r.started_at for r in rows).astimezone(tz).date()
    last = max(r.started_at for r in rows).astimezone(tz).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _by_topic(rows, tz: ZoneInfo) -> dict[str, TopicRow]:
    topics: dict[str, TopicRow] = {}
    for r in rows:
        day = r.started_at.astimezone(tz).date()
        for t in r.topics or []:
            row = topics.setdefault(t["code"], TopicRow(t["code"], t.get("label") or t["code"]))
            row.total += 1
            row.daily[day] += 1
            row.score_sum += r.sentiment_score or 0.0
            if r.sentiment_label == "negative":
                row.negative += 1
                if len(row.examples) < EXAMPLES and r.text:
                    row.examples.append(r.text[:300])
    return topics


def _emerging(rows, tz: ZoneInfo) -> dict:
    """Clusters of the recent negative texts and spikes per topic / cluster (voc.emerging)."""
    from xinsheng.voc.emerging import emerging_issues

    records = [
        (r.started_at.astimezone(tz).date(), (r.topics or [{}])[0].get("code"), r.text or "")
        for r in rows if r.sentiment_label == "negative" and r.text
    ]
    return emerging_issues(records, recent_days=7, negative_only=False)


def hot_issues(session: Session, *, days: int = 90, channel: str | None = None, top: int = 12) -> HotIssues:
    """Topics over time with their sentiment, spikes and examples; emerging clusters."""
    tz = ZoneInfo(get_settings().display_timezone)
    rows = _analysed_rows(session, days, channel)
    topics = _by_topic(rows, tz)
    emerging = _emerging(rows, tz) if rows else {"clusters": [], "spikes": []}
    by_key: dict[str, list[dict]] = defaultdict(list)
    for spike in emerging["spikes"]:
        by_key[spike["key"]].append(spike)
    for code, row in topics.items():
        row.spikes = sorted(by_key.get(f"topic:{code}", []), key=lambda s: s["day"])
    clusters = [{**c, "spikes": sorted(by_key.get(f"cluster:{c['id']}", []), key=lambda s: s["day"])}
                for c in emerging["clusters"]]
    ranked = sorted(topics.values(), key=lambda t: (-len(t.spikes), -t.negative, -t.total))
    return HotIssues(days=_day_range(rows, tz), topics=ranked[:top], clusters=clusters[:top],
                     texts_analysed=len(rows))

"""Reads for the Hot issues page (热点问题): topics over time, spikes, emerging clusters.

Topic series, negative share, mean sentiment and spikes come from the daily topic counts
(``TopicDaily``, kept as analyses are stored), so they cost days × topics, not the number
of contacts. Texts are read only in bounded amounts: the newest negative texts of each
recent day (at most ``SAMPLE_PER_DAY``) for the emerging clusters and the examples.

Only the customer's voice counts: the bank's own outbound texts (SMS notices, e-mailed
statements, sales and callback calls; ``direction = outbound``) are in neither the counts
(``TopicDaily`` leaves them out) nor the clusters nor the examples. Examples and clusters
read the customer's own sentences of a text (``cases.handoff.customer_turns``: the
``客户：`` turns of a transcript), not the agent's lines.

Days are in the bank's time zone; the window is the ``days`` days ending on the newest
day with an analysed customer text (on any channel).
"""
from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinsheng.cases.handoff import customer_turns
from xinsheng.config import get_settings
from xinsheng.insights.clusters import emerging_clusters
from xinsheng.insights.spikes import count_spikes
from xinsheng.interactions.models import ALL_TEXTS, Interaction, InteractionAnalysis, TopicDaily

EXAMPLES = 3
EXAMPLE_CHARS = 160  # an example is the customer's sentences of a text, cut at this length
RECENT_DAYS = 7  # emerging clusters are made of the last week's negative texts …
CLUSTER_SAMPLE = 2000  # … at most this many (clustering costs ~0.7 ms a text): the newest of each day
SAMPLE_PER_DAY = CLUSTER_SAMPLE // RECENT_DAYS
BASELINE_DAYS = 28  # days before those, sampled alike, against which a cluster's spikes stand out
EXAMPLE_DAYS = 3  # a topic's examples come from its newest days with negative texts
CACHED_REPORTS = 32  # clusters of this many (database, channel, window, day counts) kept in memory
_cluster_cache: OrderedDict[tuple, list[dict]] = OrderedDict()


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
    negative_daily: Counter = field(default_factory=Counter)
    score_daily: Counter = field(default_factory=Counter)

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


def hot_issues(session: Session, *, days: int = 90, channel: str | None = None, top: int = 12,
               clusters: bool = True) -> HotIssues:
    """Topics over time with their sentiment, spikes and examples; emerging clusters (unless
    ``clusters`` is false: the page asks for them apart, see ``emerging``)."""
    window = _window(session, days, channel)
    if window is None:
        return HotIssues(days=[], topics=[], clusters=[], texts_analysed=0)
    texts, topics, everything = window
    # A topic's spikes count every negative text that has the topic, first or not (a login
    # failure that also mentions a transfer is still a login complaint).
    spikes = _by_key(count_spikes({f"topic:{t.code}": t.negative_daily for t in topics.values()}))
    for code, row in topics.items():
        row.spikes = spikes.get(f"topic:{code}", [])
    shown = sorted(topics.values(), key=lambda t: (-len(t.spikes), -t.negative, -t.total, t.code))[:top]
    found = _clusters(texts, everything) if clusters and everything.negative else []
    _fill_examples(texts, shown)
    return HotIssues(days=_day_range(everything.daily), topics=shown, clusters=found[:top],
                     texts_analysed=everything.total)


def emerging(session: Session, *, days: int = 90, channel: str | None = None, top: int = 12,
             cached_only: bool = False) -> list[dict] | None:
    """The report's emerging clusters alone; with ``cached_only``, None unless they are kept."""
    window = _window(session, days, channel)
    if window is None or not window[2].negative:
        return []
    texts, _, everything = window
    if cached_only and _cluster_key(texts, everything) not in _cluster_cache:
        return None
    return _clusters(texts, everything)[:top]


def _window(session: Session, days: int, channel: str | None):
    """(texts reader, topic rows, the all-texts row) of the window, or None without data."""
    last = session.scalar(select(func.max(TopicDaily.day)))
    if last is None:
        return None
    first = last - timedelta(days=days - 1)
    topics = _topic_rows(session, first, last, channel)
    everything = topics.pop(ALL_TEXTS, None) or TopicRow(ALL_TEXTS, "")
    texts = NegativeTexts(session, ZoneInfo(get_settings().display_timezone), channel, first)
    return texts, topics, everything


def _topic_rows(session: Session, first: date, last: date, channel: str | None) -> dict[str, TopicRow]:
    """Per topic (and ``ALL_TEXTS``): totals and daily series of the window, from ``TopicDaily``."""
    stmt = (
        select(TopicDaily.topic_code, TopicDaily.day, func.max(TopicDaily.label), func.sum(TopicDaily.texts),
               func.sum(TopicDaily.negative), func.sum(TopicDaily.score_sum))
        .where(TopicDaily.day >= first, TopicDaily.day <= last)
        .group_by(TopicDaily.topic_code, TopicDaily.day)
    )
    if channel:
        stmt = stmt.where(TopicDaily.channel == channel)
    rows: dict[str, TopicRow] = {}
    for code, day, label, texts, negative, score_sum in session.execute(stmt):
        row = rows.setdefault(code, TopicRow(code, label or code))
        row.total += texts
        row.negative += negative
        row.score_sum += score_sum or 0.0
        row.daily[day] += texts
        row.negative_daily[day] += negative
        row.score_daily[day] += score_sum or 0.0
    return rows


def _day_range(daily: Counter) -> list[date]:
    days = [d for d, n in daily.items() if n]
    if not days:
        return []
    first, last = min(days), max(days)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _by_key(spikes: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for spike in spikes:
        out[spike["key"]].append(spike)
    return {key: sorted(found, key=lambda s: s["day"]) for key, found in out.items()}


class NegativeTexts:
    """The newest negative texts of a day (at most ``SAMPLE_PER_DAY``), read once per day."""

    def __init__(self, session: Session, tz: ZoneInfo, channel: str | None, first: date) -> None:
        self.session, self.tz, self.channel, self.first = session, tz, channel, first
        self._days: dict[date, list[tuple[str, list[str]]]] = {}

    def day(self, day: date) -> list[tuple[str, list[str]]]:
        """(the customer's sentences, topic codes, main first) of the day's newest negative
        customer texts, newest first; texts without a customer sentence are left out."""
        if day not in self._days:
            self._days[day] = self._read(day) if day >= self.first else []
        return self._days[day]

    def _read(self, day: date) -> list[tuple[str, list[str]]]:
        start = datetime.combine(day, time.min, tzinfo=self.tz)
        end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=self.tz)
        stmt = (
            select(Interaction.text, InteractionAnalysis.topics)
            .join(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
            .where(Interaction.started_at >= start, Interaction.started_at < end,
                   Interaction.direction != "outbound",
                   InteractionAnalysis.sentiment_label == "negative", Interaction.text != "")
            .order_by(Interaction.started_at.desc(), Interaction.id.desc())
            .limit(SAMPLE_PER_DAY)
        )
        if self.channel:
            stmt = stmt.where(Interaction.channel == self.channel)
        out = []
        for text, topics in self.session.execute(stmt):
            said = " ".join(customer_turns(text or ""))
            if said:
                out.append((said, [t.get("code") for t in topics or []]))
        return out


def _cluster_key(texts: NegativeTexts, everything: TopicRow) -> tuple:
    days = _cluster_days(everything)
    return (str(texts.session.get_bind().url), texts.channel, texts.first, SAMPLE_PER_DAY,
            tuple((d, everything.daily[d], everything.negative_daily[d], round(everything.score_daily[d], 6))
                  for d in days))


def _cluster_days(everything: TopicRow) -> list[date]:
    last = max(d for d, n in everything.negative_daily.items() if n)
    return [last - timedelta(days=i) for i in range(RECENT_DAYS + BASELINE_DAYS)]


def _clusters(texts: NegativeTexts, everything: TopicRow) -> list[dict]:
    """Emerging clusters of the last week's sampled negative texts; their spikes are counted
    in the same per-day samples of the weeks before (``clusters.emerging_clusters``).

    Clustering is the costly part of the report, so the result is kept for the same
    database, channel, window and day counts (texts, negative texts, score sums of every
    sampled day): a new or reanalysed text changes the counts, and so the key.
    """
    key = _cluster_key(texts, everything)
    if key in _cluster_cache:
        _cluster_cache.move_to_end(key)
        return _cluster_cache[key]
    days = _cluster_days(everything)
    clusters = _cluster_sample([(day, text) for day in days for text, _ in texts.day(day)])
    _cluster_cache[key] = clusters
    while len(_cluster_cache) > CACHED_REPORTS:
        _cluster_cache.popitem(last=False)
    return clusters


def _cluster_sample(records: list[tuple[date, str]]) -> list[dict]:
    return emerging_clusters(records, RECENT_DAYS)


def _fill_examples(texts: NegativeTexts, topics: list[TopicRow]) -> None:
    """Up to ``EXAMPLES`` of each topic's newest negative texts, from its newest negative days:
    those whose main (first) topic it is first, then those that mention it besides."""
    for topic in topics:
        negative_days = sorted((d for d, n in topic.negative_daily.items() if n), reverse=True)
        main, besides = [], []
        for day in negative_days[:EXAMPLE_DAYS]:
            for text, codes in texts.day(day):
                if topic.code in codes:
                    (main if codes[0] == topic.code else besides).append(_cut(text))
            if len(main) >= EXAMPLES:
                break
        topic.examples = (main + besides)[:EXAMPLES]


def _cut(text: str) -> str:
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS - 1] + "…"

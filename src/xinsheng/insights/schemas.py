"""API shape of the Hot issues report."""
from __future__ import annotations

from pydantic import BaseModel


class SpikeRead(BaseModel):
    key: str
    day: str
    count: int
    baseline: float
    ratio: float
    z: float
    p_value: float


class TopicTrend(BaseModel):
    code: str
    label: str
    total: int
    negative_share: float
    mean_sentiment: float
    daily: dict[str, int]
    negative_daily: dict[str, int]
    spikes: list[SpikeRead]
    examples: list[str]


class ClusterRead(BaseModel):
    id: str
    label: str
    keywords: list[str]
    representative: str
    size: int
    spikes: list[SpikeRead]


class HotIssuesRead(BaseModel):
    days: list[str]
    texts_analysed: int
    topics: list[TopicTrend]
    clusters: list[ClusterRead]


def to_read(report) -> HotIssuesRead:
    return HotIssuesRead(
        days=[d.isoformat() for d in report.days], texts_analysed=report.texts_analysed,
        topics=[TopicTrend(code=t.code, label=t.label, total=t.total,
                           negative_share=round(t.negative_share, 3),
                           mean_sentiment=round(t.mean_sentiment, 3),
                           daily={d.isoformat(): n for d, n in sorted(t.daily.items())},
                           negative_daily={d.isoformat(): n for d, n in sorted(t.negative_daily.items()) if n},
                           spikes=t.spikes, examples=t.examples) for t in report.topics],
        clusters=[ClusterRead(**{k: c[k] for k in ClusterRead.model_fields}) for c in report.clusters],
    )

"""Emerging issues (热点问题): clusters of recent negative texts and daily spikes per topic/cluster.

Pure functions over plain lists, so the caller feeds them from any store:

* ``cluster_texts(texts)`` groups similar texts (TF-IDF over words and character bigrams,
  cosine leader clustering in a deterministic order) into labelled clusters with top
  keywords, a representative text and an id derived from the keywords, so the same issue
  keeps the same id from one run to the next.
* ``detect_spikes(events)`` counts (day, key) events and flags days whose count is
  improbable under a Poisson model of the trailing baseline (size, ratio, z and p-value).
* ``emerging_issues(records)`` does both for (date, topic, text) records.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, Sequence

import numpy as np
from scipy import stats

from xinsheng.voc.features import Featurizer
from xinsheng.voc.rules import get_resources
from xinsheng.voc.text import detect_lang, normalize, segment

__all__ = ["Cluster", "Spike", "cluster_texts", "detect_spikes", "emerging_issues", "cluster_id"]


@dataclass(frozen=True)
class Cluster:
    id: str
    label: str
    keywords: list[str]
    representative: str
    size: int
    members: list[int]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Spike:
    key: str
    day: date
    count: int
    baseline: float
    ratio: float
    z: float
    p_value: float

    def to_dict(self) -> dict:
        return {**asdict(self), "day": self.day.isoformat()}


def cluster_id(keywords: Sequence[str]) -> str:
    """A stable id from a cluster's top keywords (order-free)."""
    return "c-" + hashlib.sha1("|".join(sorted(keywords[:3])).encode("utf-8")).hexdigest()[:10]


def _vectors(texts: Sequence[str]):
    docs = []
    for t in texts:
        n = normalize(t or "")
        stop = get_resources(detect_lang(n)).stopwords
        docs.append((n, [w for w in segment(n) if w not in stop and len(w) > 1]))
    feat = Featurizer(word_range=(1, 1), char_range=(2, 2), min_df=1, max_features=50_000)
    feat.fit(docs)
    # No idf: inside a set of complaints the shared issue words (闪退) are frequent on
    # purpose, and down-weighting them would split one issue into its phrasings.
    feat.idf[:] = 1.0
    return feat, feat.transform(docs), docs


def _leaders(X, threshold: float) -> list[list[int]]:
    """Assign each row to the most similar existing cluster centroid, or start a new one."""
    order = np.argsort(-np.asarray((X @ X.sum(axis=0).T)).ravel(), kind="stable")  # central texts lead
    centroids: list[np.ndarray] = []
    members: list[list[int]] = []
    for i in order:
        row = X.getrow(int(i)).toarray().ravel()
        if centroids:
            sims = np.array([c @ row for c in centroids])
            j = int(sims.argmax())
            if sims[j] >= threshold:
                members[j].append(int(i))
                c = centroids[j] * (len(members[j]) - 1) + row
                centroids[j] = c / (np.linalg.norm(c) or 1)
                continue
        centroids.append(row / (np.linalg.norm(row) or 1))
        members.append([int(i)])
    return _merge(centroids, members, threshold)


def _merge(centroids: list[np.ndarray], members: list[list[int]], threshold: float) -> list[list[int]]:
    """Merge clusters whose centroids are as similar as a text must be to join one."""
    merged = True
    while merged and len(members) > 1:
        merged = False
        C = np.vstack(centroids)
        sims = C @ C.T
        np.fill_diagonal(sims, -1)
        a, b = np.unravel_index(int(sims.argmax()), sims.shape)
        if sims[a, b] >= threshold:
            a, b = min(a, b), max(a, b)
            na, nb = len(members[a]), len(members[b])
            c = centroids[a] * na + centroids[b] * nb
            centroids[a] = c / (np.linalg.norm(c) or 1)
            members[a] = members[a] + members.pop(b)
            centroids.pop(b)
            merged = True
    return members


def _top_keywords(docs, idx: list[int], k: int) -> list[str]:
    tf = Counter(w for i in idx for w in set(docs[i][1]))
    n_all = len(docs)
    df = Counter(w for d in docs for w in set(d[1]))
    score = {w: c * math.log(1 + n_all / df[w]) for w, c in tf.items()}
    return [w for w, _ in sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def cluster_texts(texts: Sequence[str], *, threshold: float = 0.15, min_size: int = 2, k: int = 5,
                  max_texts: int = 5000) -> list[Cluster]:
    """Clusters of at least ``min_size`` similar texts, largest first.

    ``texts`` beyond ``max_texts`` are ignored (pass a sample of a bigger set).
    """
    texts = list(texts)[:max_texts]
    if not texts:
        return []
    _, X, docs = _vectors(texts)
    out = []
    for idx in _leaders(X, threshold):
        if len(idx) < min_size:
            continue
        kws = _top_keywords(docs, idx, k)
        centroid = np.asarray(X[idx].mean(axis=0)).ravel()
        rep = idx[int(np.argmax(X[idx] @ centroid))]
        out.append(Cluster(cluster_id(kws), " / ".join(kws[:3]), kws, texts[rep], len(idx), sorted(idx)))
    return sorted(out, key=lambda c: (-c.size, c.id))


def _day(d: date | datetime | str) -> date:
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    return datetime.fromisoformat(str(d).replace("Z", "+00:00")).date()


def detect_spikes(events: Iterable[tuple[date | datetime | str, str]], **options) -> list[Spike]:
    """Days on which a key's count of ``events`` (day, key) is a significant spike over its
    trailing baseline; see ``spikes_from_counts`` for the test and its options."""
    counts: dict[str, Counter[date]] = defaultdict(Counter)
    for d, key in events:
        counts[str(key)][_day(d)] += 1
    return spikes_from_counts(counts, **options)


def spikes_from_counts(counts: Mapping[str, Mapping[date, int]], *, baseline_days: int = 28,
                       min_baseline_days: int = 7, min_count: int = 5, min_ratio: float = 2.0,
                       alpha: float = 1e-3) -> list[Spike]:
    """Days on which a key's daily count (key → day → count) is a significant spike.

    Baseline λ = mean daily count over the previous ``baseline_days`` (days without events
    count as 0; at least ``min_baseline_days`` of history needed). A day is a spike when
    count ≥ ``min_count``, count ≥ ``min_ratio`` × λ and P(X ≥ count | Poisson(λ)) < ``alpha``,
    with λ floored at 0.5 in both tests (a quiet history does not make every small count a
    spike; ``baseline`` reports the λ before the floor, ``ratio`` and ``z`` use the floored one).
    """
    spikes = []
    for key, raw in counts.items():
        per_day = {d: c for d, c in raw.items() if c > 0}
        if not per_day:
            continue
        first = min(per_day)
        for day, c in sorted(per_day.items()):
            history = (day - first).days
            if c < min_count or history < min_baseline_days:
                continue
            span = min(baseline_days, history)
            lam = sum(per_day.get(day - timedelta(days=i), 0) for i in range(1, span + 1)) / span
            lam_eff = max(lam, 0.5)
            if c < min_ratio * lam_eff:
                continue
            p = float(stats.poisson.sf(c - 1, lam_eff))
            if p < alpha:
                z = (c - lam_eff) / math.sqrt(lam_eff)
                spikes.append(Spike(str(key), day, c, round(lam, 3), round(c / lam_eff, 2), round(z, 2), p))
    return sorted(spikes, key=lambda s: (s.day, -s.z, s.key))


def emerging_issues(records: Sequence[tuple[date | datetime | str, str | None, str]], *,
                    recent_days: int = 7, negative_only: bool = True, analyzer=None, **spike_args) -> dict:
    """Clusters of the recent negative texts and spikes per topic and per cluster.

    ``records``: (date, topic code or None, text). Texts are scored with ``analyzer``
    (default: the shared one) when ``negative_only``.
    """
    if not records:
        return {"clusters": [], "spikes": []}
    days = [_day(r[0]) for r in records]
    texts = [r[2] or "" for r in records]
    keep = list(range(len(records)))
    if negative_only:
        from xinsheng.voc.pipeline import get_analyzer

        res = (analyzer or get_analyzer()).analyze_many(texts)
        keep = [i for i in keep if res[i]["sentiment"]["score"] < 0]
    last = max(days)
    recent = [i for i in keep if (last - days[i]).days < recent_days]
    clusters = cluster_texts([texts[i] for i in recent])
    member_of = {recent[m]: c.id for c in clusters for m in c.members}
    events = [(days[i], f"topic:{records[i][1]}") for i in keep if records[i][1]]
    events += [(days[i], f"cluster:{cid}") for i, cid in member_of.items()]
    # cluster ids over the whole window need every negative text assigned: match by keywords
    events += _assign_older(clusters, [(days[i], texts[i]) for i in keep if i not in member_of])
    return {"clusters": [c.to_dict() for c in clusters],
            "spikes": [s.to_dict() for s in detect_spikes(events, **spike_args)]}


def _assign_older(clusters: list[Cluster], items: list[tuple[date, str]]) -> list[tuple[date, str]]:
    """Count older texts towards a recent cluster when they contain two of its top keywords."""
    out = []
    for d, text in items:
        n = normalize(text)
        for c in clusters:
            if sum(1 for w in c.keywords[:4] if w in n) >= 2:
                out.append((d, f"cluster:{c.id}"))
                break
    return out

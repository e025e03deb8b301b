"""Data-driven clusters (scikit-learn k-means over standardised profile features), explained
by what distinguishes them, with ids that stay stable across refreshes.

Stability: the previous refresh's centroids (kept in original units) are standardised with
this refresh's scaler and matched one-to-one to the new centroids (Hungarian assignment on
the distances); a pair closer than ``MATCH_DISTANCE`` (in standard deviations) keeps the old
id; a new cluster gets the next unused number, an old one not found again is retired.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from xinsheng.segments.features import FEATURES

MATCH_DISTANCE = 1.0
#: a feature explains a cluster when its mean there is this many standard deviations off the overall mean
EXPLAINS = 0.3


@dataclass
class Cluster:
    code: str
    members: list[int]
    centroid: dict[str, float]
    explanation: list[dict] = field(default_factory=list)


def matrix(rows: list[dict]) -> np.ndarray:
    """The feature matrix; a missing value (no birth year, no AUM) takes the column's median."""
    x = np.array([[np.nan if r[f] is None else float(r[f]) for f in FEATURES] for r in rows], dtype=float)
    for j in range(x.shape[1]):
        col = x[:, j]
        col[np.isnan(col)] = np.nanmedian(col) if not np.all(np.isnan(col)) else 0.0
    return x


def _explain(x: np.ndarray, labels: np.ndarray, c: int) -> list[dict]:
    mean, sd = x.mean(axis=0), x.std(axis=0)
    own = x[labels == c].mean(axis=0)
    z = np.where(sd > 0, (own - mean) / np.where(sd > 0, sd, 1), 0.0)
    order = np.argsort(-np.abs(z))
    return [{"feature": FEATURES[j], "mean": round(float(own[j]), 4), "overall": round(float(mean[j]), 4),
             "z": round(float(z[j]), 3), "direction": "higher" if z[j] > 0 else "lower"}
            for j in order[:3] if abs(z[j]) >= EXPLAINS]


def match_ids(new: np.ndarray, previous: dict[str, dict[str, float]], scaler: StandardScaler) -> list[str]:
    """An id for each new centroid (rows of ``new``, standardised): an old one when close enough."""
    ids: list[str | None] = [None] * len(new)
    if previous:
        codes = sorted(previous)
        old = scaler.transform(np.array([[previous[c][f] for f in FEATURES] for c in codes]))
        cost = np.linalg.norm(new[:, None, :] - old[None, :, :], axis=2)
        for i, j in zip(*linear_sum_assignment(cost)):
            if cost[i, j] < MATCH_DISTANCE:
                ids[i] = codes[j]
    used = [int(c.split("-")[1]) for c in previous if c.split("-")[-1].isdigit()]
    nxt = max(used, default=0) + 1
    for i in range(len(ids)):
        if ids[i] is None:
            ids[i], nxt = f"cluster-{nxt}", nxt + 1
    return ids  # type: ignore[return-value]


def fit_clusters(rows: list[dict], k: int, previous: dict[str, dict[str, float]], seed: int = 0) -> list[Cluster]:
    """k-means on ``rows``' features; ``previous``: {code: centroid in original units} of any
    cluster ever kept (retired ones too, so a code is never reused)."""
    x = matrix(rows)
    scaler = StandardScaler().fit(x)
    z = scaler.transform(x)
    k = max(1, min(k, len(np.unique(z, axis=0))))
    km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(z)
    codes = match_ids(km.cluster_centers_, previous, scaler)
    raw = scaler.inverse_transform(km.cluster_centers_)
    out = []
    for c in range(k):
        members = [rows[i]["id"] for i in np.flatnonzero(km.labels_ == c)]
        out.append(Cluster(code=codes[c], members=members,
                           centroid={f: float(raw[c, j]) for j, f in enumerate(FEATURES)},
                           explanation=_explain(x, km.labels_, c)))
    return out

"""Spikes in daily counts: the test of ``voc.emerging.detect_spikes``, fed with counts.

``detect_spikes`` takes one event per text; the Hot issues report has daily counts from
``TopicDaily`` instead, and expanding them back into events would cost as much as the
texts themselves. This is the same Poisson test with the same defaults (read from
``detect_spikes``'s signature, so a change there is followed here); a test checks both
agree on the same data.
"""
from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from datetime import date, timedelta

from scipy import stats

from xinsheng.voc.emerging import detect_spikes

DEFAULTS = {name: p.default for name, p in inspect.signature(detect_spikes).parameters.items()
            if p.default is not inspect.Parameter.empty}


def count_spikes(counts: Mapping[str, Mapping[date, int]], **options) -> list[dict]:
    """Days on which a key's count is a significant spike over its trailing baseline.

    ``counts``: key → day → count. Options and result as ``detect_spikes`` (its
    ``Spike.to_dict()`` form), ordered by day, then strength.
    """
    opts = {**DEFAULTS, **options}
    spikes = []
    for key, per_day in counts.items():
        spikes += _key_spikes(str(key), {d: n for d, n in per_day.items() if n > 0}, **opts)
    return sorted(spikes, key=lambda s: (s["day"], -s["z"], s["key"]))


def _key_spikes(key: str, per_day: dict[date, int], *, baseline_days: int, min_baseline_days: int,
                min_count: int, min_ratio: float, alpha: float) -> list[dict]:
    if not per_day:
        return []
    first = min(per_day)
    out = []
    for day, count in sorted(per_day.items()):
        history = (day - first).days
        if count < min_count or history < min_baseline_days:
            continue
        span = min(baseline_days, history)
        lam = sum(per_day.get(day - timedelta(days=i), 0) for i in range(1, span + 1)) / span
        lam_eff = max(lam, 0.5)
        if count < min_ratio * lam_eff:
            continue
        p = float(stats.poisson.sf(count - 1, lam_eff))
        if p < alpha:
            out.append({"key": key, "day": day.isoformat(), "count": count, "baseline": round(lam, 3),
                        "ratio": round(count / lam_eff, 2), "z": round((count - lam_eff) / math.sqrt(lam_eff), 2),
                        "p_value": p})
    return out

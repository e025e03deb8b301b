"""Spikes found in daily counts are exactly those voc.emerging finds in the events themselves."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np

from xinsheng.insights.spikes import count_spikes
from xinsheng.voc.emerging import detect_spikes


def _counts(seed: int) -> dict[str, Counter]:
    """60 days of Poisson counts for a few keys, with gaps and planted bursts."""
    rng = np.random.default_rng(seed)
    out = {}
    for k, rate in enumerate([0.3, 2.0, 6.0, 15.0]):
        days = Counter()
        for i in range(60):
            n = int(rng.poisson(rate)) + (int(rate * 4) + 6 if rng.random() < 0.05 else 0)
            if n and rng.random() > 0.1:
                days[date(2026, 8, 1) + timedelta(days=i + k)] = n
        out[f"topic:t{k}"] = days
    return out


def test_count_spikes_agrees_with_detect_spikes_on_events():
    found = 0
    for seed in range(8):
        counts = _counts(seed)
        events = [(day, key) for key, days in counts.items() for day, n in days.items() for _ in range(n)]
        expected = [s.to_dict() for s in detect_spikes(events)]
        assert count_spikes(counts) == expected
        found += len(expected)
    assert found >= 5, "the planted bursts are found"


def test_options_and_empty_keys():
    counts = {"quiet": Counter(), "burst": Counter({date(2026, 8, 1) + timedelta(days=i): 1 for i in range(10)})}
    counts["burst"][date(2026, 8, 11)] = 6
    assert [s["day"] for s in count_spikes(counts)] == ["2026-08-11"]
    assert count_spikes(counts, min_count=7) == []

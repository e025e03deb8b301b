"""Spikes in daily counts, against hand-computed Poisson tails and a day-by-day reference
(``tests/insights/reference.py``) that sums the Poisson mass function itself."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np
import pytest
from scipy import stats

from tests.insights.reference import poisson_tail, reference_spikes
from xinsheng.insights.spikes import count_spikes
from xinsheng.voc.emerging import spikes_from_counts

D0 = date(2026, 8, 1)


def test_a_hand_computed_spike():
    """Ten days of one text each, then six: λ = 1, P(X ≥ 6) = 1 − e⁻¹(1 + 1 + 1/2 + 1/6 + 1/24
    + 1/120) = 1 − 0.3678794 × 2.7166667 = 0.000594 < 0.001; z = (6 − 1)/√1 = 5."""
    counts = {"k": {D0 + timedelta(days=i): 1 for i in range(10)} | {D0 + timedelta(days=10): 6}}
    (spike,) = spikes_from_counts(counts)
    assert (spike.key, spike.day, spike.count, spike.baseline, spike.ratio, spike.z) == ("k", D0 + timedelta(days=10),
                                                                                        6, 1.0, 6.0, 5.0)
    assert spike.p_value == pytest.approx(0.000594, abs=5e-7)


def test_five_over_a_baseline_of_one_is_not_significant():
    """P(X ≥ 5 | λ = 1) = 1 − 0.3678794 × 2.7083333 = 0.00366 ≥ 0.001: no spike."""
    counts = {"k": {D0 + timedelta(days=i): 1 for i in range(10)} | {D0 + timedelta(days=10): 5}}
    assert spikes_from_counts(counts) == []
    assert poisson_tail(5, 1.0) == pytest.approx(0.00366, abs=5e-6)


def test_days_without_texts_count_as_zero_and_a_short_history_is_no_baseline():
    """Texts on days 0, 5 and 14 (2, 9 and 2), 8 on day 20. Day 5 has under 7 days of history:
    no spike. Day 20: the 20 days before hold 13 texts, λ = 0.65; P(X ≥ 8 | 0.65) = 4.44e-7.
    With only day 0's one text before, λ = 1/20 = 0.05 is floored at 0.5: P(X ≥ 8 | 0.5) = 6.22e-8."""
    daily = {D0: 2, D0 + timedelta(days=5): 9, D0 + timedelta(days=14): 2, D0 + timedelta(days=20): 8}
    spikes = spikes_from_counts({"k": daily})
    assert [(s.day, s.count, s.baseline) for s in spikes] == [(D0 + timedelta(days=20), 8, 0.65)]
    assert spikes[0].p_value == pytest.approx(4.444e-7, rel=1e-3)
    (floored,) = spikes_from_counts({"k": {D0: 1, D0 + timedelta(days=20): 8}})
    assert floored.baseline == 0.05 and floored.ratio == 16.0 and floored.p_value == pytest.approx(6.22e-8, rel=1e-3)


def _random_counts(seed: int) -> dict[str, Counter]:
    """60 days of Poisson counts for a few keys, with gaps and planted bursts."""
    rng = np.random.default_rng(seed)
    out = {}
    for k, rate in enumerate([0.3, 2.0, 6.0, 15.0]):
        days = Counter()
        for i in range(60):
            n = int(rng.poisson(rate)) + (int(rate * 4) + 6 if rng.random() < 0.05 else 0)
            if n and rng.random() > 0.1:
                days[D0 + timedelta(days=i + k)] = n
        out[f"topic:t{k}"] = days
    return out


def test_spikes_equal_the_day_by_day_reference_on_random_counts():
    found = 0
    for seed in range(8):
        counts = _random_counts(seed)
        got = count_spikes(counts)
        want = {(key, s["day"]): s for key, daily in counts.items() for s in reference_spikes(daily)}
        assert {(s["key"], s["day"]) for s in got} == set(want)
        for s in got:
            w = want[(s["key"], s["day"])]
            assert (s["count"], s["baseline"]) == (w["count"], w["baseline"])
            assert s["p_value"] == pytest.approx(w["p_value"], rel=1e-6)
        assert [s["day"] for s in got] == sorted(s["day"] for s in got)
        found += len(want)
    assert found >= 5, "the planted bursts are found"


def test_the_pmf_sum_agrees_with_scipy():
    for c, mu in [(1, 0.5), (6, 1.0), (13, 1.2), (30, 12.5), (60, 15.0)]:
        assert poisson_tail(c, mu) == pytest.approx(float(stats.poisson.sf(c - 1, mu)), rel=1e-6, abs=1e-15)


def test_options_and_empty_keys():
    counts = {"quiet": Counter(), "burst": Counter({D0 + timedelta(days=i): 1 for i in range(10)})}
    counts["burst"][D0 + timedelta(days=11)] = 6
    assert [s["day"] for s in count_spikes(counts)] == [(D0 + timedelta(days=11)).isoformat()]
    assert count_spikes(counts, min_count=7) == []

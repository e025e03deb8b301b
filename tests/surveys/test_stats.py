"""NPS, CSAT and CES against hand-computed values; confidence intervals against scipy."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from xinsheng.surveys.stats import ces, csat, nps


def test_nps_hand_computed():
    # 10 answers: 9,10,10 promoters (3), 7,8 passives (2), 0,3,5,6,6 detractors (5): 30% - 50% = -20
    scores = [9, 10, 10, 7, 8, 0, 3, 5, 6, 6]
    f = nps(promoters=3, detractors=5, n=10, min_n=1)
    assert f.value == -20.0 and f.n == 10
    coded = np.array([1 if s >= 9 else -1 if s <= 6 else 0 for s in scores], dtype=float)
    lo, hi = sps.norm.interval(0.95, loc=coded.mean(), scale=coded.std(ddof=0) / math.sqrt(len(coded)))
    assert f.ci95 == pytest.approx((100 * lo, 100 * hi), abs=0.01)
    # by hand: sd of coded = sqrt(0.8 - 0.04) = 0.87178; se = 0.27568; ±1.95996·se·100 = ±54.03
    assert f.ci95 == pytest.approx((-74.03, 34.03), abs=0.01)


def test_nps_interval_against_a_bootstrap():
    rng = np.random.default_rng(7)
    scores = rng.choice(11, size=400, p=[.03, .02, .03, .04, .05, .08, .1, .15, .2, .15, .15])
    prom, det = int((scores >= 9).sum()), int((scores <= 6).sum())
    f = nps(prom, det, 400)
    assert f.value == pytest.approx(100 * (prom - det) / 400, abs=0.01)
    coded = np.where(scores >= 9, 1.0, np.where(scores <= 6, -1.0, 0.0))
    boot = sps.bootstrap((coded,), np.mean, confidence_level=0.95, n_resamples=4000, method="percentile",
                         random_state=1).confidence_interval
    assert f.ci95[0] == pytest.approx(100 * boot.low, abs=1.5)
    assert f.ci95[1] == pytest.approx(100 * boot.high, abs=1.5)


@pytest.mark.parametrize("k, n", [(0, 30), (12, 30), (29, 30), (30, 30), (412, 500), (7, 1000)])
def test_csat_is_the_share_of_4_and_5_with_the_wilson_interval(k, n):
    f = csat(k, n)
    assert f.value == pytest.approx(100 * k / n, abs=0.005)
    ci = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert f.ci95 == pytest.approx((100 * ci.low, 100 * ci.high), abs=0.006)


def test_csat_hand_computed():
    # 24 of 30 satisfied: p = 0.8; Wilson by hand: centre (0.8 + 3.8415/60)/(1 + 3.8415/30) = 0.7659,
    # half 1.96·sqrt(0.16/30 + 3.8415/3600)/1.12805 = 0.1390 → [62.69 %, 90.49 %]
    f = csat(24, 30)
    assert f.value == 80.0
    assert f.ci95 == pytest.approx((62.69, 90.49), abs=0.02)


def test_ces_mean_and_t_interval():
    scores = [1, 2, 3, 4, 5] * 6 + [7, 7]  # 32 answers
    arr = np.array(scores, dtype=float)
    f = ces(float(arr.sum()), float((arr ** 2).sum()), len(arr))
    assert f.value == pytest.approx(arr.mean(), abs=0.0005)
    lo, hi = sps.t.interval(0.95, len(arr) - 1, loc=arr.mean(), scale=sps.sem(arr))
    assert f.ci95 == pytest.approx((lo, hi), abs=0.001)


def test_ces_hand_computed_small():
    # [1,2,3,4,5]: mean 3, s = 1.5811, t(0.975, 4) = 2.7764 → 3 ± 1.9632
    f = ces(15.0, 55.0, 5, min_n=1)
    assert f.value == 3.0
    assert f.ci95 == pytest.approx((1.037, 4.963), abs=0.001)


@pytest.mark.parametrize("fig", [nps(10, 5, 29), csat(20, 29), ces(100.0, 400.0, 29)])
def test_below_the_minimum_sample_a_figure_is_hidden_with_the_reason(fig):
    assert fig.value is None and fig.ci95 is None and fig.n == 29
    assert fig.reason == "fewer than 30 answers (n=29)"
    assert fig.to_dict()["hidden"] is True

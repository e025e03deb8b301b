"""The before/after statistics against published values, scipy and hand arithmetic."""
from __future__ import annotations

import math
import random

import pytest
from scipy import stats as sp

from xinsheng.improvements import effect
from xinsheng.improvements.wording import sentence

Z = 1.959963984540054


def test_exact_poisson_interval_matches_the_tables_and_scipys_gamma():
    # Garwood intervals as tabulated (e.g. Ulm 1990): k=0 → 0–3.689, k=10 → 4.795–18.390
    lo, hi = effect.poisson_ci(0, 10_000)
    assert lo == 0 and hi == pytest.approx(3.689, abs=1e-3)
    lo, hi = effect.poisson_ci(10, 10_000)
    assert (lo, hi) == (pytest.approx(4.795, abs=1e-3), pytest.approx(18.390, abs=1e-3))
    for k, exposure in ((3, 700.0), (57, 42_000.0), (400, 70_000.0)):
        lo, hi = effect.poisson_ci(k, exposure)
        assert lo == pytest.approx(1e4 * sp.gamma.ppf(0.025, k) / exposure)
        assert hi == pytest.approx(1e4 * sp.gamma.ppf(0.975, k + 1) / exposure)


def test_topic_rate_change_by_hand_and_agrees_with_scipys_poisson_test():
    # 5,000 customers, 14 days each side: 190 contacts before, 70 after
    ch = effect.topic_rate_change(190, 70_000, 70, 70_000)
    assert ch.before.value == pytest.approx(27.142857, abs=1e-6)
    assert ch.after.value == pytest.approx(10.0)
    half = Z * 1e4 * math.sqrt(70 / 70_000 ** 2 + 190 / 70_000 ** 2)  # = 4.5148
    assert ch.diff == pytest.approx(-17.142857, abs=1e-6)
    assert ch.ci95 == (pytest.approx(-17.142857 - half), pytest.approx(-17.142857 + half))
    assert ch.verdict == "improved"
    assert sp.poisson_means_test(70, 70_000, 190, 70_000).pvalue < 0.05
    same = effect.topic_rate_change(50, 70_000, 52, 70_000)
    assert same.verdict == "no_significant_change" and sp.poisson_means_test(52, 70_000, 50, 70_000).pvalue > 0.05
    assert effect.topic_rate_change(60, 70_000, 120, 70_000).verdict == "worsened"
    assert effect.topic_rate_change(4, 70_000, 3, 70_000).verdict == "not_enough_data"


def test_csat_change_is_newcombes_hybrid_score_interval():
    # Newcombe (1998), Statistics in Medicine 17:873, method 10: 56/70 − 48/80 = 0.2000, 0.0524 to 0.3339
    ch = effect.csat_change(48, 80, 56, 70)
    assert ch.diff == pytest.approx(20.0)
    assert ch.ci95 == (pytest.approx(5.24, abs=0.01), pytest.approx(33.39, abs=0.01))
    assert ch.verdict == "improved"
    # and 9/10 − 3/10 = 0.6000, 0.1705 to 0.8090 (min_n lowered for the small example)
    ch = effect.csat_change(3, 10, 9, 10, min_n=1)
    assert ch.ci95 == (pytest.approx(17.05, abs=0.01), pytest.approx(80.90, abs=0.01))
    assert effect.csat_change(3, 10, 9, 10).verdict == "not_enough_data"  # below 30 answers a side


def test_ces_change_is_welchs_interval_as_scipy_computes_it():
    rng = random.Random(7)
    before = [rng.choice((3, 4, 5, 5, 6, 6, 7)) for _ in range(60)]
    after = [rng.choice((1, 2, 2, 3, 3, 4, 5)) for _ in range(45)]
    ch = effect.ces_change(sum(before), sum(x * x for x in before), len(before),
                           sum(after), sum(x * x for x in after), len(after))
    ref = sp.ttest_ind(after, before, equal_var=False).confidence_interval(0.95)
    assert ch.ci95 == (pytest.approx(ref.low), pytest.approx(ref.high))
    assert ch.diff == pytest.approx(sum(after) / 45 - sum(before) / 60)
    side = sp.t.interval(0.95, 44, loc=sum(after) / 45, scale=sp.sem(after))
    assert ch.after.ci95 == (pytest.approx(side[0]), pytest.approx(side[1]))
    assert ch.verdict == "improved"  # less effort


def test_the_verdict_reads_plainly_in_both_languages():
    ch = effect.topic_rate_change(190, 70_000, 70, 70_000)
    zh = sentence("topic_rate", ch, ch.verdict, "zh", 14)
    en = sentence("topic_rate", ch, ch.verdict, "en", 14)
    assert "从上线前 14 天的 27.1" in zh and "降至上线后的 10.0" in zh and "差异显著" in zh and "结论：已改善" in zh
    assert "fell from 27.1" in en and "to 10.0" in en and "is significant" in en and "Verdict: improved." in en
    flat = effect.topic_rate_change(50, 70_000, 52, 70_000)
    assert "差异不显著" in sentence("topic_rate", flat, flat.verdict, "zh", 14)

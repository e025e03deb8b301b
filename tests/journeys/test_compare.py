"""Before/after statistics against scipy's chi-square test and the textbook interval."""
from __future__ import annotations

import math

import pytest
from scipy.stats import chi2_contingency, norm

from xinsheng.journeys.compare import two_proportions, verdict


@pytest.mark.parametrize("x1,n1,x2,n2", [(412, 1000, 479, 1000), (30, 200, 33, 210), (5, 9, 1, 12)])
def test_two_proportions_against_scipy(x1, n1, x2, n2):
    r = two_proportions(x1, n1, x2, n2)
    chi2, p, _, _ = chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
    assert r["p_value"] == pytest.approx(p, rel=1e-9)
    p1, p2 = x1 / n1, x2 / n2
    half = norm.ppf(0.975) * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((p2 - p1 - half, p2 - p1 + half), rel=1e-12)
    assert r["significant"] == (p < 0.05)


def test_the_plain_language_verdict():
    r = two_proportions(412, 1000, 479, 1000)
    # 47.9 − 41.2 = 6.7 points; half-width 1.96 × sqrt(.412·.588/1000 + .479·.521/1000) = 4.35 points: 2.35 to 11.05 (2.353, 11.047)
    assert verdict(r, "zh") == "转化率从 41.2% 升至 47.9%，差异显著，95% 置信区间 +2.4 至 +11.0 个百分点。"
    assert verdict(two_proportions(30, 200, 33, 210), "en").startswith("Conversion rose to 15.7% from 15.0%, not a significant")


def test_an_empty_period_is_not_a_division_by_zero():
    r = two_proportions(0, 0, 3, 10)
    assert r["ci_low"] is None and r["p_value"] is None and not r["significant"]
    assert "无法比较" in verdict(r, "zh")

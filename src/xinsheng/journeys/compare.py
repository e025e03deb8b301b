"""Before/after a change: a funnel step's conversion in equal periods either side of a date,
with a two-proportion z-test, a 95 % confidence interval of the difference and a verdict
in plain words (zh/en)."""
from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta

from scipy.stats import norm

from xinsheng.analytics.engine import AnalyticEngine
from xinsheng.errors import InvalidInput
from xinsheng.journeys.service import FunnelRequest, funnel

__all__ = ["two_proportions", "compare_step", "verdict"]


def two_proportions(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> dict:
    """p1 = x1/n1 (before), p2 = x2/n2 (after): the difference p2 − p1, its Wald interval
    (unpooled standard error) and the two-sided p-value of the pooled z-test."""
    p1 = x1 / n1 if n1 else 0.0
    p2 = x2 / n2 if n2 else 0.0
    out = {"before": {"converted": x1, "of": n1, "rate": round(p1, 4)},
           "after": {"converted": x2, "of": n2, "rate": round(p2, 4)}, "difference": p2 - p1,
           "ci_low": None, "ci_high": None, "p_value": None, "significant": False, "level": level}
    if not n1 or not n2:
        return out
    z_crit = norm.ppf(0.5 + level / 2)
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    out["ci_low"], out["ci_high"] = p2 - p1 - z_crit * se, p2 - p1 + z_crit * se
    pooled = (x1 + x2) / (n1 + n2)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se0 > 0:
        z = (p2 - p1) / se0
        out["p_value"] = float(2 * norm.sf(abs(z)))
        out["significant"] = out["p_value"] < 1 - level
    return out


def _pp(x: float) -> str:
    return f"{x * 100:+.1f}"


def verdict(r: dict, lang: str) -> str:
    """One sentence: 转化率从 41.2% 升至 47.9%，差异显著，95% 置信区间 +4.1 至 +9.3 个百分点。"""
    b, a = r["before"]["rate"] * 100, r["after"]["rate"] * 100
    if r["ci_low"] is None:
        return ("改版前或改版后没有客户走到上一步，无法比较。" if lang == "zh"
                else "No customer reached the step before in one of the periods: nothing to compare.")
    lo, hi = _pp(r["ci_low"]), _pp(r["ci_high"])
    if lang == "zh":
        move = "升至" if a > b else ("降至" if a < b else "持平于")
        sig = "差异显著" if r["significant"] else "差异不显著（可能只是随机波动）"
        return f"转化率从 {b:.1f}% {move} {a:.1f}%，{sig}，95% 置信区间 {lo} 至 {hi} 个百分点。"
    move = "rose to" if a > b else ("fell to" if a < b else "stayed at")
    sig = "a significant difference" if r["significant"] else "not a significant difference (it may be chance)"
    return f"Conversion {move} {a:.1f}% from {b:.1f}%, {sig}; 95% confidence interval {lo} to {hi} percentage points."


def compare_step(eng: AnalyticEngine, req: FunnelRequest, step: int, at: datetime, days: int) -> dict:
    """Conversion from step ``step − 1`` to ``step`` (1-based) in [at − days, at) and [at, at + days)."""
    if not 2 <= step <= len(req.steps):
        raise InvalidInput(f"step: 2 to {len(req.steps)}", data={"field": "step"})
    if not 1 <= days <= 90:
        raise InvalidInput("days: 1 to 90", data={"field": "days"})
    span = timedelta(days=days)
    before = funnel(eng, replace(req, start=at - span, end=at))["steps"]
    after = funnel(eng, replace(req, start=at, end=at + span))["steps"]
    r = two_proportions(before[step - 1]["customers"], before[step - 2]["customers"],
                        after[step - 1]["customers"], after[step - 2]["customers"])
    r.update(step=req.steps[step - 1].code, from_step=req.steps[step - 2].code, at=at.isoformat(), days=days,
             verdict={"zh": verdict(r, "zh"), "en": verdict(r, "en")})
    return r

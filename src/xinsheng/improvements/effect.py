"""Before/after statistics of an improvement, pure functions (no database).

* **Topic rate** — contacts about the topic per 10,000 customers per day. In a window of
  ``days`` days with ``k`` contacts and ``customers`` customers, the exposure is
  E = customers × days customer-days and the rate 10,000 · k / E. Each window's 95 %
  interval is the exact Poisson (Garwood) interval χ²₀.₀₂₅,₂ₖ/2 … χ²₀.₉₇₅,₂ₖ₊₂/2, scaled
  by 10,000 / E; the change after − before has the normal interval
  d ± z · 10,000 · √(k₁/E₁² + k₀/E₀²).
* **CSAT** (share of 4–5 answers, %) — each window's Wilson interval (``surveys.stats``);
  the change has Newcombe's hybrid score interval (Newcombe 1998, method 10):
  d − √((p₁−l₁)² + (u₀−p₀)²) … d + √((u₁−p₁)² + (p₀−l₀)²).
* **CES** (mean effort 1–7) — each window's Student t interval (``surveys.stats``); the
  change has Welch's t interval with Welch–Satterthwaite degrees of freedom.

A change is significant when its 95 % interval excludes 0. For the topic rate and CES lower
is better, for CSAT higher is better.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from xinsheng.surveys import stats

Z95 = stats.Z95
PER = 10_000
LOWER_IS_BETTER = {"topic_rate": True, "csat": False, "ces": True}
MIN_EVENTS = 10  # a topic rate needs at least this many contacts in the two windows together


@dataclass(frozen=True)
class Side:
    value: float | None
    n: int  # contacts (topic rate) or answers (CSAT, CES)
    ci95: tuple[float, float] | None
    exposure: float | None = None  # customer-days (topic rate)


@dataclass(frozen=True)
class Change:
    before: Side
    after: Side
    diff: float | None
    ci95: tuple[float, float] | None
    verdict: str  # improved, worsened, no_significant_change, not_enough_data

    def to_dict(self) -> dict:
        out = asdict(self)
        for key in ("before", "after"):
            out[key]["ci95"] = list(out[key]["ci95"]) if out[key]["ci95"] else None
        out["ci95"] = list(self.ci95) if self.ci95 else None
        out["significant"] = self.verdict in ("improved", "worsened")
        return out


def poisson_ci(k: int, exposure: float) -> tuple[float, float]:
    """Exact (Garwood) 95 % interval of k events over ``exposure``, per 10,000 per unit."""
    from scipy.stats import chi2

    lo = 0.0 if k == 0 else float(chi2.ppf(0.025, 2 * k)) / 2
    hi = float(chi2.ppf(0.975, 2 * k + 2)) / 2
    return PER * lo / exposure, PER * hi / exposure


def _verdict(diff: float, lo: float, hi: float, lower_is_better: bool) -> str:
    if lo <= 0 <= hi:
        return "no_significant_change"
    better = diff < 0 if lower_is_better else diff > 0
    return "improved" if better else "worsened"


def topic_rate_change(k0: int, e0: float, k1: int, e1: float) -> Change:
    """Before: k0 contacts over e0 customer-days; after: k1 over e1."""
    if e0 <= 0 or e1 <= 0 or k0 + k1 < MIN_EVENTS:
        return Change(Side(None, k0, None, e0), Side(None, k1, None, e1), None, None, "not_enough_data")
    r0, r1 = PER * k0 / e0, PER * k1 / e1
    diff = r1 - r0
    half = Z95 * PER * math.sqrt(k1 / e1 ** 2 + k0 / e0 ** 2)
    lo, hi = diff - half, diff + half
    return Change(Side(r0, k0, poisson_ci(k0, e0), e0), Side(r1, k1, poisson_ci(k1, e1), e1),
                  diff, (lo, hi), _verdict(diff, lo, hi, True))


def csat_change(sat0: int, n0: int, sat1: int, n1: int, min_n: int = stats.MIN_N) -> Change:
    """Satisfied answers (4–5) of all answers, before and after; values in %."""
    f0, f1 = stats.csat(sat0, n0, min_n), stats.csat(sat1, n1, min_n)
    if f0.value is None or f1.value is None:
        return Change(Side(f0.value, n0, f0.ci95), Side(f1.value, n1, f1.ci95), None, None, "not_enough_data")
    p0, p1 = sat0 / n0, sat1 / n1
    (l0, u0), (l1, u1) = stats.wilson(sat0, n0), stats.wilson(sat1, n1)
    d = p1 - p0
    lo = d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return Change(Side(100 * p0, n0, (100 * l0, 100 * u0)), Side(100 * p1, n1, (100 * l1, 100 * u1)),
                  100 * d, (100 * lo, 100 * hi), _verdict(d, lo, hi, False))


def ces_change(s0: float, sq0: float, n0: int, s1: float, sq1: float, n1: int, min_n: int = stats.MIN_N) -> Change:
    """From the sums and sums of squares of the effort scores, before and after."""
    from scipy.stats import t as student_t

    f0, f1 = stats.ces(s0, sq0, n0, min_n), stats.ces(s1, sq1, n1, min_n)
    if f0.value is None or f1.value is None:
        return Change(Side(f0.value, n0, f0.ci95), Side(f1.value, n1, f1.ci95), None, None, "not_enough_data")
    m0, m1 = s0 / n0, s1 / n1
    v0 = max((sq0 - n0 * m0 * m0) / (n0 - 1), 0.0) / n0
    v1 = max((sq1 - n1 * m1 * m1) / (n1 - 1), 0.0) / n1
    diff = m1 - m0
    if v0 + v1 == 0:
        lo = hi = diff
    else:
        df = (v0 + v1) ** 2 / (v0 ** 2 / (n0 - 1) + v1 ** 2 / (n1 - 1))
        half = float(student_t.ppf(0.975, df)) * math.sqrt(v0 + v1)
        lo, hi = diff - half, diff + half
    return Change(Side(m0, n0, _side_ci(m0, v0, n0)), Side(m1, n1, _side_ci(m1, v1, n1)),
                  diff, (lo, hi), _verdict(diff, lo, hi, True))


def _side_ci(mean: float, var_of_mean: float, n: int) -> tuple[float, float]:
    from scipy.stats import t as student_t

    half = float(student_t.ppf(0.975, n - 1)) * math.sqrt(var_of_mean)
    return mean - half, mean + half

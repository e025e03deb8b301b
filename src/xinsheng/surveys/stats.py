"""NPS, CSAT and CES with 95 % confidence intervals: the standard definitions, pure functions.

* **NPS** (0–10): % promoters (9–10) − % detractors (0–6), in points from −100 to 100.
  Each answer is coded +1 (promoter), 0 (passive, 7–8) or −1 (detractor); NPS is 100 × their
  mean. The interval is the normal approximation of that mean:
  NPS ± z · 100 · √((p₊ + p₋ − (p₊ − p₋)²) / n), clipped to [−100, 100], z = Φ⁻¹(0.975).
* **CSAT** (1–5): the share of answers 4 or 5, in %; the Wilson score interval
  (k successes of n): (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), in %.
* **CES** (1–7): the mean score; Student's t interval, mean ± t₀.₉₇₅,ₙ₋₁ · s/√n
  (s the sample standard deviation).

A figure with fewer than ``min_n`` answers (default 30) is hidden, with the reason.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # Φ⁻¹(0.975)
MIN_N = 30


@dataclass(frozen=True)
class Figure:
    value: float | None
    n: int
    ci95: tuple[float, float] | None
    reason: str | None = None

    def to_dict(self) -> dict:
        return {"value": self.value, "n": self.n, "ci95": list(self.ci95) if self.ci95 else None,
                "hidden": self.value is None, "reason": self.reason}


def hidden(n: int, min_n: int) -> Figure:
    return Figure(None, n, None, f"fewer than {min_n} answers (n={n})")


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion k/n (as fractions)."""
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def nps(promoters: int, detractors: int, n: int, min_n: int = MIN_N) -> Figure:
    if n < max(min_n, 1):
        return hidden(n, min_n)
    pp, pd = promoters / n, detractors / n
    value = 100 * (pp - pd)
    se = 100 * math.sqrt(max(pp + pd - (pp - pd) ** 2, 0.0) / n)
    return Figure(round(value, 2), n, (round(max(-100.0, value - Z95 * se), 2),
                                       round(min(100.0, value + Z95 * se), 2)))


def csat(satisfied: int, n: int, min_n: int = MIN_N) -> Figure:
    if n < max(min_n, 1):
        return hidden(n, min_n)
    lo, hi = wilson(satisfied, n)
    return Figure(round(100 * satisfied / n, 2), n, (round(100 * lo, 2), round(100 * hi, 2)))


def ces(total: float, total_sq: float, n: int, min_n: int = MIN_N) -> Figure:
    """From the sum and the sum of squares of the scores (what SQL aggregates give)."""
    if n < max(min_n, 2):
        return hidden(n, min_n)
    from scipy.stats import t as student_t

    mean = total / n
    var = max((total_sq - n * mean * mean) / (n - 1), 0.0)
    half = float(student_t.ppf(0.975, n - 1)) * math.sqrt(var / n)
    return Figure(round(mean, 3), n, (round(mean - half, 3), round(mean + half, 3)))

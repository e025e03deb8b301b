"""A/B comparison between two groups of customers (two segments, or lists of customer refs)
for a funnel step's conversion or a proportion KPI, with the statistics of
:mod:`xinsheng.journeys.compare` (Wald 95 % interval of the difference B − A, pooled
two-proportion z-test) and a sentence in zh and en."""
from __future__ import annotations

from dataclasses import dataclass

from xinsheng.errors import InvalidInput
from xinsheng.journeys import queries
from xinsheng.journeys.compare import two_proportions
from xinsheng.journeys.experience import KpiRequest, contact_sums, customer_ids

__all__ = ["Group", "parse_group", "AB_METRICS", "ab_conversion", "ab_kpi", "ab_verdict"]

#: proportion KPIs: (successes, trials) among the contact sums
AB_METRICS = {"conversion": None, "fcr": ("first_resolved", "first_answered"), "repeat_rate": ("repeats", "identified"),
              "abandonment_rate": ("abandoned", "contacts"), "negative_share": ("negative", "analysed")}
_NAMES = {"conversion": ("转化率", "Conversion"), "fcr": ("首次解决率", "First-contact resolution"),
          "repeat_rate": ("重复联系率", "Repeat-contact rate"), "abandonment_rate": ("放弃率", "Abandonment"),
          "negative_share": ("负面情绪占比", "Negative sentiment share")}


@dataclass(frozen=True)
class Group:
    label: str
    segment: str = "all"
    ids: tuple[int, ...] | None = None

    def condition(self, year: int) -> str:
        if self.ids is not None:
            return f" AND e.customer_id IN ({', '.join(map(str, self.ids)) or 'NULL'})"
        return queries.segment_condition(self.segment, year)


def parse_group(db, value: str | None, field: str) -> Group:
    """``elderly`` / ``segment:mass`` (a segment) or ``refs:C001,C002,…`` (customer refs)."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{field}: give a segment ({', '.join(queries.SEGMENTS)}) or refs:REF,REF,…",
                           data={"field": field})
    if value.startswith("refs:"):
        refs = value[5:].replace("\n", ",").split(",")
        ids = customer_ids(db, refs, field)
        return Group(f"{len(ids)} customers", ids=ids)
    seg = value.removeprefix("segment:")
    if seg not in queries.SEGMENTS:
        raise InvalidInput(f"{field}: unknown group {value!r}; a segment ({', '.join(queries.SEGMENTS)}) or refs:REF,…",
                           data={"field": field})
    return Group(seg, segment=seg)


def _steps_counts(eng, req, group: Group) -> list[int]:
    sql = queries.funnel_sql(eng.events(), req.steps, req.window_s * 1000, req.t_from, req.t_to,
                             group.condition(req.end.year), asof=eng.kind == "duckdb")
    return [int(r[1]) for r in eng.query(sql, req.t_from, req.t_to + req.window_s * 1000)]


def ab_conversion(eng, req, step: int, a: Group, b: Group) -> dict:
    """Conversion from step ``step − 1`` to ``step`` (1-based) in group A and group B."""
    if not 2 <= step <= len(req.steps):
        raise InvalidInput(f"step: 2 to {len(req.steps)}", data={"field": "step"})
    ca, cb = _steps_counts(eng, req, a), _steps_counts(eng, req, b)
    r = two_proportions(ca[step - 1], ca[step - 2], cb[step - 1], cb[step - 2])
    r.update(step=req.steps[step - 1].code, from_step=req.steps[step - 2].code)
    return _finish(r, "conversion", a, b)


def ab_kpi(eng, kreq: KpiRequest, metric: str, a: Group, b: Group) -> dict:
    """A proportion KPI (fcr, repeat_rate, abandonment_rate, negative_share) in A and B."""
    if metric not in AB_METRICS or metric == "conversion":
        raise InvalidInput(f"metric: one of {', '.join(AB_METRICS)}", data={"field": "metric"})
    num, den = AB_METRICS[metric]
    counts = []
    for g in (a, b):
        req = KpiRequest(kreq.start, kreq.end, segment=g.segment, customer_ids=g.ids)
        s = contact_sums(eng, req, kreq.start, kreq.end, None).get("all") or {num: 0, den: 0}
        counts += [int(s[num]), int(s[den])]
    return _finish(two_proportions(*counts), metric, a, b)


def _finish(r: dict, metric: str, a: Group, b: Group) -> dict:
    r["a"], r["b"] = r.pop("before"), r.pop("after")
    r["a"]["group"], r["b"]["group"] = a.label, b.label
    r.update(metric=metric, verdict={"zh": ab_verdict(r, metric, "zh"), "en": ab_verdict(r, metric, "en")})
    return r


def ab_verdict(r: dict, metric: str, lang: str) -> str:
    """转化率从 A 组的 41.2% 升至 B 组的 47.9%，差异显著，95% 置信区间 +4.1 至 +9.3 个百分点。"""
    zh, en = _NAMES[metric]
    if r["ci_low"] is None:
        return (f"A 组或 B 组没有可计算{zh}的样本，无法比较。" if lang == "zh"
                else f"Group A or group B has nothing to compute {en.lower()} from: nothing to compare.")
    pa, pb = r["a"]["rate"] * 100, r["b"]["rate"] * 100
    lo, hi = f"{r['ci_low'] * 100:+.1f}", f"{r['ci_high'] * 100:+.1f}"
    if lang == "zh":
        move = "升至" if pb > pa else ("降至" if pb < pa else "持平于")
        sig = "差异显著" if r["significant"] else "差异不显著（可能只是随机波动）"
        return f"{zh}从 A 组的 {pa:.1f}% {move} B 组的 {pb:.1f}%，{sig}，95% 置信区间 {lo} 至 {hi} 个百分点。"
    sig = "a significant difference" if r["significant"] else "not a significant difference (it may be chance)"
    move = f"is {pb:.1f}% in both groups" if pb == pa else (
        f"is {'higher' if pb > pa else 'lower'} in group B ({pb:.1f}%) than in group A ({pa:.1f}%)")
    return f"{en} {move}, {sig}; 95% confidence interval {lo} to {hi} percentage points."

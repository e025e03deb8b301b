"""The before/after verdict in plain Chinese and English, from an ``effect.Change``."""
from __future__ import annotations

from xinsheng.improvements.effect import Change

NAMES = {
    "topic_rate": {"zh": "该问题的联系率（每万客户每日）", "en": "contacts about the problem per 10,000 customers per day"},
    "csat": {"zh": "满意率 CSAT（%）", "en": "CSAT (% satisfied)"},
    "ces": {"zh": "客户费力度 CES（平均分，越低越省力）", "en": "customer effort CES (mean score, lower is easier)"},
}
VERDICTS = {
    "improved": {"zh": "已改善", "en": "improved"},
    "worsened": {"zh": "变差", "en": "worse"},
    "no_significant_change": {"zh": "无显著变化", "en": "no significant change"},
    "not_enough_data": {"zh": "数据不足", "en": "not enough data"},
    "too_early": {"zh": "尚待观察", "en": "too early to tell"},
    "no_metric": {"zh": "无可比较的指标", "en": "no metric to compare"},
}


def _n(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def sentence(metric: str, change: Change | None, verdict: str, lang: str, days: int) -> str:
    """One or two sentences a manager can read out; ``verdict`` may be ``too_early``/``no_metric``."""
    zh = lang == "zh"
    if verdict == "no_metric":
        return ("旅程步骤暂无可自动比较的指标，请人工核实效果。" if zh
                else "A journey step has no metric compared automatically yet; check the effect by hand.")
    if verdict == "too_early" or change is None:
        return ("尚未上线，或上线后还没有完整的一天数据，暂不作判断。" if zh
                else "Not shipped yet, or no full day of data since it shipped: no verdict yet.")
    name = NAMES[metric]["zh" if zh else "en"]
    b, a = change.before, change.after
    if verdict == "not_enough_data":
        return (f"样本不足（上线前 {days} 天 {b.n} 个，上线后 {a.n} 个），暂不作判断。" if zh else
                f"Not enough data ({b.n} before and {a.n} after, {days} days each side): no verdict yet.")
    lo, hi = change.ci95
    if zh:
        move = "降至" if a.value < b.value else "升至" if a.value > b.value else "保持在"
        sig = "差异显著" if verdict in ("improved", "worsened") else "差异不显著（区间包含 0）"
        return (f"{name}从上线前 {days} 天的 {_n(b.value)}（95% 置信区间 {_n(b.ci95[0])}–{_n(b.ci95[1])}）"
                f"{move}上线后的 {_n(a.value)}（{_n(a.ci95[0])}–{_n(a.ci95[1])}），{sig}："
                f"变化 {change.diff:+.1f}，95% 置信区间 {lo:+.1f} 至 {hi:+.1f}。结论：{VERDICTS[verdict]['zh']}。")
    move = "fell" if a.value < b.value else "rose" if a.value > b.value else "stayed"
    sig = "significant" if verdict in ("improved", "worsened") else "not significant (the interval includes 0)"
    return (f"The {name} {move} from {_n(b.value)} (95% CI {_n(b.ci95[0])}–{_n(b.ci95[1])}) in the {days} days "
            f"before shipping to {_n(a.value)} ({_n(a.ci95[0])}–{_n(a.ci95[1])}) after; the change of "
            f"{change.diff:+.1f} is {sig} (95% CI {lo:+.1f} to {hi:+.1f}). Verdict: {VERDICTS[verdict]['en']}.")

"""Checking one call: every rule of a ``RuleSet`` over its turns, each finding with evidence.

``check(turns)`` answers the contract's ``{"score", "findings"}``. Which check a rule gets
follows from its options (rules.yaml): ``require``/``forbid`` concepts, ``upset`` (the VOC
engine's emotions of the customer's turns), ``max_chars_per_second`` (pace for elderly
callers), ``min_overlap_seconds`` (talking over), ``max_gap_seconds`` (silences). A supervisor
can therefore add a mandatory or forbidden statement as data, with new concepts.
"""
from __future__ import annotations

from typing import Callable, Sequence

from xinsheng.quality.care import check_empathy, check_pace, check_silence, check_talk_over
from xinsheng.quality.concepts import Located, locate
from xinsheng.quality.findings import Finding, not_needed, passed_at, failed_at
from xinsheng.quality.rules import Rule, RuleSet, default_rules
from xinsheng.quality.transcript import Turn

__all__ = ["check", "Finding", "Located", "score_of", "voc_emotions"]

Emotions = Callable[[Sequence[str]], list[dict[str, float]]]
_FULL = {c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}


def voc_emotions(texts: Sequence[str]) -> list[dict[str, float]]:
    """The VOC engine's emotion intensities (anger, anxiety, ...) of each text."""
    from xinsheng.voc.pipeline import get_analyzer  # heavy: loaded only when a rule asks

    return [r["emotions"] for r in get_analyzer().analyze_many(list(texts))]


def _mandatory(rules: RuleSet, rule: Rule, turns: Sequence[Turn]) -> Finding:
    need, req = rule.options.get("needed_when"), rule.options["require"]
    trigger = None
    if need is not None:
        trigger = locate(rules, turns, need["concept"], need.get("speaker", "any"))
        if trigger is None:
            return not_needed(rule)
    found = locate(rules, turns, req["concept"], req.get("speaker", "agent"))
    before = req.get("before")
    if before:
        limit = locate(rules, turns, before, need.get("speaker", "any") if need else "any")
        if limit is not None and (found is None or (found.index, found.hit.start) > (limit.index, limit.hit.start)):
            return failed_at(rule, limit, "before_check")
    if found is None:
        return failed_at(rule, trigger, "missing")
    return passed_at(rule, found)


def _forbidden(rules: RuleSet, rule: Rule, turns: Sequence[Turn]) -> Finding:
    ref = rule.options["forbid"]
    found = locate(rules, turns, ref["concept"], ref.get("speaker", "agent"))
    return failed_at(rule, found, "said") if found is not None else Finding(rule.code, rule.kind, True)


def _evaluate(rules: RuleSet, rule: Rule, turns: Sequence[Turn], emotions: Callable[[], list]) -> Finding:
    o = rule.options
    if "upset" in o:
        return check_empathy(rules, rule, turns, emotions())
    if "max_chars_per_second" in o:
        return check_pace(rules, rule, turns)
    if "min_overlap_seconds" in o:
        return check_talk_over(rule, turns)
    if "max_gap_seconds" in o:
        return check_silence(rules, rule, turns)
    if "forbid" in o:
        return _forbidden(rules, rule, turns)
    if "require" in o:
        return _mandatory(rules, rule, turns)
    return Finding(rule.code, rule.kind, True, note="not_needed")


def _normalised(turns: Sequence[Turn]) -> list[Turn]:
    """Full-width letters and digits to half-width (the text keeps its length and punctuation)."""
    return [Turn(t.speaker, t.start, t.end, t.text.translate(_FULL)) for t in turns]


def score_of(findings: Sequence[Finding], rules: RuleSet) -> float:
    """100 less the weight of each failed rule, never below 0."""
    weights = {r.code: r.weight for r in rules.rules}
    return max(0.0, 100.0 - sum(weights.get(f.rule, 0.0) for f in findings if not f.passed))


def check(turns: Sequence[Turn], rules: RuleSet | None = None, emotions: Emotions | None = None) -> dict:
    """The contract's answer for one call: ``{"score": float, "findings": [...]}``."""
    rules = rules or default_rules()
    norm = _normalised(turns)
    emotion_fn = emotions or voc_emotions
    cache: list[list[dict[str, float]]] = []

    def customer_emotions() -> list[dict[str, float]]:
        if not cache:
            texts = [t.text for t in norm if t.speaker == "customer"]
            cache.append(emotion_fn(texts) if texts else [])
        return cache[0]

    findings = [_evaluate(rules, r, norm, customer_emotions) for r in rules.rules]
    return {"score": round(score_of(findings, rules), 1), "findings": [f.to_dict() for f in findings]}


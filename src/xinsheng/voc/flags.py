"""Flags stage: complaint, regulatory risk, churn intent, vulnerable customer, fraud, escalation.

Explicit cues come from the lexicon (12378, 银保监, 销户, 老年人 …); a few flags also
follow from the other stages (an angry, strongly negative text is a complaint even if
it never says 投诉).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from xinsheng.voc.features import Doc
from xinsheng.voc.rules import get_resources

__all__ = ["FlagStage", "FLAGS"]

FLAGS = ("complaint", "regulatory_risk", "churn_intent", "vulnerable_customer", "fraud_risk", "escalation_request")
_OLD_AGE = re.compile(r"(?<![0-9])(6[5-9]|[7-9][0-9]|1[01][0-9]) ?(?:岁|周岁|years? old)")


@dataclass
class FlagStage:
    anger_for_complaint: float = 0.6
    score_for_complaint: float = -0.5

    def flags(self, text: str, lang: str, sentiment: float, emotions: dict[str, float]) -> list[str]:
        lex = get_resources(lang).flags
        found = {tag for _, _, word in lex.spans(text) for tag, _ in lex.tags(word)}
        if emotions.get("anger", 0) >= self.anger_for_complaint and sentiment <= self.score_for_complaint:
            found.add("complaint")
        if "regulatory_risk" in found:
            found.add("complaint")
        if _OLD_AGE.search(text):
            found.add("vulnerable_customer")
        return [f for f in FLAGS if f in found] + sorted(found.difference(FLAGS))

    def transform(self, docs: Sequence[Doc], langs: Sequence[str], scores: Sequence[float],
                  emotions: Sequence[dict[str, float]]) -> list[list[str]]:
        return [self.flags(d[0], lg, s, e) for d, lg, s, e in zip(docs, langs, scores, emotions)]

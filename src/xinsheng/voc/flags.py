"""Flags stage: complaint, regulatory risk, churn intent, vulnerable customer, fraud, escalation.

Explicit cues come from the lexicon (12378, 银保监, 销户, 老年人 …); a few flags also
follow from the other stages (an angry, strongly negative text is a complaint even if
it never says 投诉).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from xinsheng.voc.batch import Joined
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
        return self.transform([(text, [])], [lang], [sentiment], [emotions])[0]

    def _lexicon_flags(self, texts: Sequence[str], langs: Sequence[str]) -> list[set[str]]:
        found: list[set[str]] = [set() for _ in texts]
        for lang in sorted(set(langs)):
            idx = [i for i, lg in enumerate(langs) if lg == lang]
            lex = get_resources(lang).flags
            j = Joined.of([texts[i] for i in idx])
            starts, _, ids = lex.scan(j.text, j.codes if lex.word_boundary else None)
            words = lex.words
            for d, w in zip(j.doc_of(starts).tolist(), ids.tolist()):
                found[idx[d]].update(tag for tag, _ in lex.tags(words[w]))
        return found

    def transform(self, docs: Sequence[Doc], langs: Sequence[str], scores: Sequence[float],
                  emotions: Sequence[dict[str, float]]) -> list[list[str]]:
        out = []
        for (text, _), found, s, e in zip(docs, self._lexicon_flags([d[0] for d in docs], langs), scores, emotions):
            if e.get("anger", 0) >= self.anger_for_complaint and s <= self.score_for_complaint:
                found.add("complaint")
            if "regulatory_risk" in found:
                found.add("complaint")
            if ("岁" in text or "old" in text) and _OLD_AGE.search(text):
                found.add("vulnerable_customer")
            out.append([f for f in FLAGS if f in found] + sorted(found.difference(FLAGS)))
        return out

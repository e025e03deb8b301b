"""Keyword stage: the words of a text that matter most, by TF-IDF against a background corpus.

The idf comes from the built-in model's vocabulary (the review corpus it was trained on)
when there is one; words of the banking dictionary and the taxonomy are favoured, stop
words, numbers and masks are never keywords.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from xinsheng.voc.features import Doc
from xinsheng.voc.rules import get_resources

__all__ = ["KeywordStage"]



@dataclass
class KeywordStage:
    """``idf``: word → idf (unknown words get ``default_idf``); ``boost``: favoured words."""

    idf: dict[str, float] = field(default_factory=dict)
    default_idf: float = 8.0
    boost: frozenset[str] = frozenset()
    k: int = 5

    def keywords(self, words: Sequence[str], lang: str) -> list[str]:
        stop = get_resources(lang).stopwords
        tf = Counter(w for w in words if len(w) > 1 and w not in stop and not w.isdigit())
        if not tf:
            return []
        get = self.idf.get
        scored = [
            ((1 + math.log(c)) * get(w, self.default_idf) * (1.5 if w in self.boost else 1.0), w)
            for w, c in tf.items()
        ]
        scored.sort(key=lambda x: (-x[0], x[1]))
        return [w for _, w in scored[: self.k]]

    def transform(self, docs: Sequence[Doc], langs: Sequence[str]) -> list[list[str]]:
        return [self.keywords(d[1], lg) for d, lg in zip(docs, langs)]

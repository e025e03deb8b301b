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
    _weights: dict[str, dict[str, float]] = field(default_factory=dict, init=False, repr=False)

    def _word_weight(self, word: str, lang: str) -> float:
        """idf × boost of ``word``; 0 for words that are never keywords (cached per language)."""
        if len(word) < 2 or word.isdigit() or word in get_resources(lang).stopwords:
            w = 0.0
        else:
            w = self.idf.get(word, self.default_idf) * (1.5 if word in self.boost else 1.0)
        cache = self._weights.setdefault(lang, {})
        if len(cache) < 500_000:
            cache[word] = w
        return w

    def keywords(self, words: Sequence[str], lang: str) -> list[str]:
        weight = self._weights.setdefault(lang, {}).get
        scored = []
        for w, c in Counter(words).items():
            base = weight(w)
            if base is None:
                base = self._word_weight(w, lang)
            if base:
                scored.append((-base if c == 1 else -(1 + math.log(c)) * base, w))
        scored.sort()
        return [w for _, w in scored[: self.k]]

    def transform(self, docs: Sequence[Doc], langs: Sequence[str]) -> list[list[str]]:
        return [self.keywords(d[1], lg) for d, lg in zip(docs, langs)]

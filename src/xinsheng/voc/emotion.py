"""Emotion stage: per-sentence and per-document intensities in [0, 1].

Lexicon cues (愤怒, 气死, 着急, 担心, 失望, 感谢 …) scaled by degree adverbs and exclamation
marks, cancelled by negation (不生气), combined per sentence as a noisy-OR. A document's
intensity for an emotion is its strongest sentence's, so one furious sentence in a long
call still reads as anger.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from xinsheng.voc.features import Doc
from xinsheng.voc.rules import EMOTIONS, Cues, cues, get_resources

__all__ = ["EmotionStage", "EMOTIONS"]


@dataclass
class EmotionStage:
    """``transform`` → ``{emotion: intensity}`` per document; ``sentences`` adds the per-sentence view."""

    negative_anger_boost: float = 1.15

    def sentences(self, text: str, lang: str) -> list[dict]:
        return [
            {"start": s, "end": e, "text": text[s:e], "emotions": emo}
            for (s, e), emo in cues(text, get_resources(lang)).sentences
        ]

    def document(self, text: str, lang: str, sentiment_score: float = 0.0, cue: Cues | None = None) -> dict[str, float]:
        doc = dict.fromkeys(EMOTIONS, 0.0)
        for _, emo in (cue or cues(text, get_resources(lang))).sentences:
            for k, v in emo.items():
                if v > doc[k]:
                    doc[k] = v
        if sentiment_score < -0.6 and doc["anger"] > 0:
            doc["anger"] = round(min(1.0, doc["anger"] * self.negative_anger_boost), 3)
        if sentiment_score < -0.3:
            doc["gratitude"] = round(doc["gratitude"] * 0.5, 3)
            doc["joy"] = round(doc["joy"] * 0.5, 3)
        return doc

    def transform(self, docs: Sequence[Doc], langs: Sequence[str], scores: Sequence[float],
                  lexical: Sequence[Cues] | None = None) -> list[dict[str, float]]:
        lexical = lexical or [None] * len(docs)  # type: ignore[list-item]
        return [self.document(d[0], lg, s, c) for d, lg, s, c in zip(docs, langs, scores, lexical)]

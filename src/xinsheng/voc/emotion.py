"""Emotion stage: per-sentence and per-document intensities in [0, 1].

Lexicon cues (愤怒, 气死, 着急, 担心, 失望, 感谢 …) scaled by degree adverbs and exclamation
marks, cancelled by negation (不生气), combined per sentence as a noisy-OR. A document's
intensity for an emotion is its strongest sentence's, so one furious sentence in a long
call still reads as anger.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from xinsheng.voc.features import Doc
from xinsheng.voc.rules import EMOTIONS, BatchCues, batch_cues, cues, get_resources

__all__ = ["EmotionStage", "EMOTIONS"]

_ANGER, _ANXIETY, _SADNESS, _GRATITUDE, _JOY = (
    EMOTIONS.index(k) for k in ("anger", "anxiety", "sadness", "gratitude", "joy"))
# A threat to complain: a complaint channel after "or else / I will / I'll go to" in one clause
# (否则我就差评, 再不处理就去12315投诉, 我会向银保监会举报). Asking how to complain is not one.
_THREAT = re.compile(r"(?:否则|不然|要不然|再不|再这样|我要|我会|我就|就去|我一定|一定会?|马上|立刻)"
                     r"[^，。！？!?,;；\n]{0,14}(?:投诉|差评|举报|曝光|起诉|报警|12315|12378|12363)")
_COMPLAINT = re.compile(r"投诉|差评|举报|曝光|起诉|报警|1231|1237|12363")
THREAT_ANGER = 0.6
# Interjections that Weibo uses for surprise and banter as often as for anger (卧槽，太好吃了).
_BANTER = re.compile(r"卧槽|卧草|握草|我靠|我擦|我去|我勒个去|我了个去|尼玛")
# Taken out of a text before asking whether anger dominates it: neither naming a complaint
# channel (请问投诉电话是多少) nor an interjection is anger of its own.
_NOT_OWN_ANGER = re.compile(f"{_COMPLAINT.pattern}|{_BANTER.pattern}")


@dataclass
class EmotionStage:
    """``transform`` → ``{emotion: intensity}`` per document; ``sentences`` adds the per-sentence view."""

    negative_anger_boost: float = 1.35
    # In a clearly negative text whose strongest negative emotion is anger (not sadness or
    # fear), any anger word (an insult, 醉了, 受不了) reads as anger: 1.7 x the 0.3 floor of a
    # support word is 0.51. Sad and scared posts that say 讨厌 or 受不了 stay below. This lift
    # stops at 0.55, below the cases' escalation level (0.6): 有点恼火 stays mild anger.
    dominant_anger_boost: float = 1.7
    dominant_anger_cap: float = 0.55
    dominant_below: float = -0.5
    positive_anger_damp: float = 0.7

    def sentences(self, text: str, lang: str) -> list[dict]:
        return [
            {"start": s, "end": e, "text": text[s:e], "emotions": emo}
            for (s, e), emo in cues(text, get_resources(lang)).sentences
        ]

    def transform(self, docs: Sequence[Doc], langs: Sequence[str], scores: Sequence[float],
                  lexical: BatchCues | None = None) -> list[dict[str, float]]:
        """A text's intensity is its strongest sentence's. Anger needs the text's sentiment to
        agree: strong negativity sharpens it (a support word such as an insult reaches the
        escalation level only where anger is also the text's strongest negative emotion), a
        positive text damps it (banter, 每当我想生气…); a threat to
        complain in a negative text is anger; strong negativity also halves gratitude and joy."""
        if lexical is None:
            lexical = batch_cues([d[0] for d in docs], langs)
        emo = lexical.emotions.copy()
        score = np.asarray(scores, dtype=float)
        anger = emo[:, _ANGER]
        dominant = self._anger_dominates(docs, langs, score, emo)
        sharpened = np.minimum(1.0, anger * np.where(score < -0.6, self.negative_anger_boost, 1.0))
        lifted = np.where(dominant, np.minimum(self.dominant_anger_cap, anger * self.dominant_anger_boost), 0.0)
        emo[:, _ANGER] = np.round(np.maximum(sharpened, lifted), 3)
        glad = score > 0.25
        emo[glad, _ANGER] = np.round(emo[glad, _ANGER] * self.positive_anger_damp, 3)
        for i, (text, _) in enumerate(docs):
            if score[i] < 0 and _COMPLAINT.search(text) and _THREAT.search(text):
                emo[i, _ANGER] = max(emo[i, _ANGER], THREAT_ANGER)
        low = score < -0.3
        for k in (_GRATITUDE, _JOY):
            emo[low, k] = np.round(emo[low, k] * 0.5, 3)
        rows = emo.tolist()
        return [dict(zip(EMOTIONS, r)) for r in rows]

    def _anger_dominates(self, docs: Sequence[Doc], langs: Sequence[str], score: np.ndarray,
                         emo: np.ndarray) -> np.ndarray:
        """Texts that are clearly negative and whose strongest negative emotion is anger, not
        sadness or fear. Where a complaint channel or an interjection is named, the anger must
        remain once it is taken out."""
        def dominates(e: np.ndarray, s: np.ndarray) -> np.ndarray:
            return (s < self.dominant_below) & (e[:, _ANGER] > 0) & (e[:, _ANGER] >= e[:, [_ANXIETY, _SADNESS]].max(axis=1))

        out = dominates(emo, score)
        named = [i for i in np.flatnonzero(out).tolist() if _NOT_OWN_ANGER.search(docs[i][0])]
        if named:
            rest = batch_cues([_NOT_OWN_ANGER.sub("，", docs[i][0]) for i in named], [langs[i] for i in named])
            out[named] = dominates(rest.emotions, score[named])
        return out

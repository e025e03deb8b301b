"""Keyword stage: the words of a text that matter most, by TF-IDF against a background corpus.

The idf comes from the built-in model's vocabulary (the review corpus it was trained on)
when there is one; words of the banking dictionary and the taxonomy are favoured, stop
words, numbers and masks are never keywords.

``transform`` scores a batch at once with numpy (``_top_k``, by token id when the words carry
them, ``voc/tokens.py``); ``keywords`` scores one text
the plain way and gives the same words in the same order.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Sequence

import numpy as np

from xinsheng.voc import tokens
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
    _vocab: dict[str, _Vocab] = field(default_factory=dict, init=False, repr=False)
    _tf: list[float] = field(default_factory=lambda: [0.0, 1.0], init=False, repr=False)
    _columns: dict[str, tokens.Column] = field(default_factory=dict, init=False, repr=False)  # weight per token id

    def _weight(self, word: str, lang: str) -> float:
        """idf × boost of ``word``; 0 for words that are never keywords."""
        if len(word) < 2 or word.isdigit() or word in get_resources(lang).stopwords:
            return 0.0
        return self.idf.get(word, self.default_idf) * (1.5 if word in self.boost else 1.0)

    def _word_weight(self, word: str, lang: str) -> float:
        """``_weight``, cached per language for ``keywords``."""
        w = self._weight(word, lang)
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
        if len(docs) < 16:
            return [self.keywords(d[1], lg) for d, lg in zip(docs, langs)]
        out: list[list[str]] = [[] for _ in docs]
        for lang in sorted(set(langs)):
            idx = [i for i, lg in enumerate(langs) if lg == lang]
            texts = [docs[i][1] for i in idx]
            for i, kw in zip(idx, self._top_k(texts, lang)):
                out[i] = kw if kw is not None else self.keywords(docs[i][1], lang)
        return out

    def _top_k(self, texts: Sequence[Sequence[str]], lang: str) -> list[list[str] | None]:
        batch = tokens.batch_ids(texts)
        if batch is not None:  # the words carry token ids: weights and sort keys per id
            table, ids, lens = batch
            col = self._columns.get(lang)
            if col is None:
                col = self._columns[lang] = tokens.Column(
                    lambda ws, lang=lang: [self._weight(w, lang) for w in ws], np.float64)
            return _top_k(ids, lens, col.of(table), _PREFIX.of, table, self.k, self._tf)
        vocab = self._vocab.get(lang)
        if vocab is None or len(vocab) > _VOCAB_LIMIT:
            vocab = self._vocab[lang] = _Vocab(lambda w, lang=lang: self._word_weight(w, lang))
        lens = np.fromiter(map(len, texts), np.int64, len(texts))
        ids = np.fromiter(map(vocab.__getitem__, chain.from_iterable(texts)), np.int64, int(lens.sum()))
        return _top_k(ids, lens, vocab.weight, lambda v: v.prefix, vocab, self.k, self._tf)


_VOCAB_LIMIT = 500_000  # words remembered per language for batches (then it starts again)


class _Vocab(dict):
    """word → id for one language; per id its weight and a sort key (its first three code
    points, 21 bits each: orders words as Python compares strings, up to ties on that prefix)."""

    def __init__(self, weigh) -> None:
        super().__init__()
        self.weigh = weigh
        self.words: list[str] = []
        self.weight = np.zeros(4096)
        self._prefix = np.zeros(4096, np.int64)
        self._done = 0  # words whose prefix key is computed

    def __missing__(self, word: str) -> int:
        i = len(self.words)
        if i == len(self.weight):
            self.weight = np.concatenate([self.weight, np.zeros(i)])
            self._prefix = np.concatenate([self._prefix, np.zeros(i, np.int64)])
        self.weight[i] = self.weigh(word)
        self.words.append(word)
        self[word] = i
        return i

    @property
    def prefix(self) -> np.ndarray:
        """The sort keys, computed with numpy for the words added since the last look."""
        n, new = len(self.words), self.words[self._done :]
        if new:
            self._prefix[self._done : n] = _prefix_keys(new)
            self._done = n
        return self._prefix


def _prefix_keys(words: list[str]) -> np.ndarray:
    """Each word's first three code points, 21 bits each (0 past its end)."""
    try:
        raw = "".join(w[:3].ljust(3, "\0") for w in words).encode("utf-32-le")
    except UnicodeEncodeError:  # a lone surrogate: one by one
        return np.array([sum(ord(ch) << (21 * (2 - k)) for k, ch in enumerate(w[:3])) for w in words], np.int64)
    c = np.frombuffer(raw, np.uint32).astype(np.int64).reshape(-1, 3)
    return (c[:, 0] << 42) | (c[:, 1] << 21) | c[:, 2]


_PREFIX = tokens.Column(_prefix_keys, np.int64)  # the sort key of every token id


def _top_k(ids: np.ndarray, lens: np.ndarray, weights: np.ndarray, prefixes, vocab, k: int,
           tf: list[float]) -> list[list[str] | None]:
    """Each text's top ``k`` by (-score, word); None for a text whose order needs more than
    the three-character prefix (two candidates with equal scores and prefixes). ``ids``: the
    texts' words (``lens`` per text) as ids of ``vocab`` (whose ``words`` name them);
    ``weights[id]`` their weight; ``prefixes(vocab)`` their sort keys (read after the look-ups)."""
    n_texts = len(lens)
    doc = np.repeat(np.arange(n_texts), lens)
    keep = weights[ids] != 0
    n_words = len(vocab.words)
    key, count = np.unique(doc[keep] * n_words + ids[keep], return_counts=True)
    doc, word = key // n_words, key % n_words
    while len(tf) <= (int(count.max()) if len(count) else 1):
        tf.append(1 + math.log(len(tf)))  # math.log, as keywords() uses
    score = -np.asarray(tf)[count] * weights[word]  # tf[1] == 1: -weight, as keywords()
    prefix = prefixes(vocab)[word]  # after the look-ups: covers every word id
    order = np.lexsort((prefix, score, doc))
    doc, word, score, prefix = doc[order], word[order], score[order], prefix[order]
    same = (doc[1:] == doc[:-1]) & (score[1:] == score[:-1]) & (prefix[1:] == prefix[:-1])
    unsure = set(doc[1:][same].tolist())
    rank = np.arange(len(doc)) - np.searchsorted(doc, doc)
    top = rank < k
    names = vocab.words
    picked = [names[i] for i in word[top].tolist()]
    bounds = np.searchsorted(doc[top], np.arange(n_texts + 1)).tolist()
    return [None if d in unsure else picked[bounds[d]: bounds[d + 1]] for d in range(n_texts)]

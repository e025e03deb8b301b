"""Sparse TF-IDF features over words and character n-grams, built for throughput.

A ``Featurizer`` learns a vocabulary (``fit``) and turns a batch of documents into a
CSR matrix (``transform``) with one Python-level pass per document and the weighting
done in numpy. A document is a pair ``(normalised_text, words)``. Its state is plain
lists and arrays (JSON + npz), so models load without pickle.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse

__all__ = ["Featurizer", "Doc", "char_ngrams"]

Doc = tuple[str, Sequence[str]]


def char_ngrams(text: str, lo: int, hi: int) -> list[str]:
    """All character n-grams of ``text`` with lo ≤ n ≤ hi (spaces removed for Chinese text)."""
    out: list[str] = []
    n = len(text)
    for k in range(lo, hi + 1):
        if k == 1:
            out.extend(text)
        else:
            out.extend([text[i : i + k] for i in range(n - k + 1)])
    return out


def word_ngrams(words: Sequence[str], lo: int, hi: int) -> list[str]:
    out: list[str] = list(words) if lo <= 1 else []
    for k in range(max(lo, 2), hi + 1):
        out.extend(["\x01".join(words[i : i + k]) for i in range(len(words) - k + 1)])
    return out


@dataclass
class Featurizer:
    """Words (n-grams ``word_range``) + characters (n-grams ``char_range``), TF-IDF, l2-normalised."""

    word_range: tuple[int, int] = (1, 1)
    char_range: tuple[int, int] = (1, 3)
    min_df: int = 2
    max_features: int = 300_000
    sublinear_tf: bool = True
    strip_spaces: bool = True
    word_vocab: dict[str, int] = field(default_factory=dict)
    char_vocab: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    @property
    def n_features(self) -> int:
        return len(self.word_vocab) + len(self.char_vocab)

    def _chars(self, text: str) -> list[str]:
        if self.char_range[1] <= 0:
            return []
        t = text.replace(" ", "") if self.strip_spaces else text
        return char_ngrams(t, *self.char_range)

    def _words(self, words: Sequence[str]) -> list[str]:
        if self.word_range[1] <= 0:
            return []
        return word_ngrams(words, *self.word_range)

    def fit(self, docs: Iterable[Doc]) -> Featurizer:
        wdf: Counter[str] = Counter()
        cdf: Counter[str] = Counter()
        n = 0
        for text, words in docs:
            wdf.update(set(self._words(words)))
            cdf.update(set(self._chars(text)))
            n += 1
        keep = [(g, c, "w") for g, c in wdf.items() if c >= self.min_df]
        keep += [(g, c, "c") for g, c in cdf.items() if c >= self.min_df]
        keep.sort(key=lambda x: (-x[1], x[0]))
        keep = keep[: self.max_features]
        self.word_vocab, self.char_vocab = {}, {}
        dfs = np.zeros(len(keep), dtype=np.float64)
        for i, (g, c, kind) in enumerate(keep):
            (self.word_vocab if kind == "w" else self.char_vocab)[g] = i
            dfs[i] = c
        self.idf = (np.log((1 + n) / (1 + dfs)) + 1).astype(np.float32)
        return self

    def transform(self, docs: Iterable[Doc]) -> sparse.csr_matrix:
        wget, cget = self.word_vocab.get, self.char_vocab.get
        flat: list[int] = []
        indptr = [0]
        for text, words in docs:
            flat.extend(map(wget, self._words(words), repeat(-1)))
            flat.extend(map(cget, self._chars(text), repeat(-1)))
            indptr.append(len(flat))
        return self._weigh(np.asarray(flat, dtype=np.int64), np.asarray(indptr, dtype=np.int64))

    def _weigh(self, idx: np.ndarray, indptr: np.ndarray) -> sparse.csr_matrix:
        valid = idx >= 0
        cum = np.concatenate(([0], np.cumsum(valid)))
        indptr = cum[indptr]
        idx = idx[valid]
        data = np.ones(len(idx), dtype=np.float32)
        m = sparse.csr_matrix((data, idx, indptr), shape=(len(indptr) - 1, self.n_features))
        m.sum_duplicates()
        if self.sublinear_tf:
            np.log(m.data, out=m.data)
            m.data += 1
        m.data *= self.idf[m.indices]
        rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        norms = np.sqrt(np.bincount(rows, weights=m.data.astype(np.float64) ** 2, minlength=m.shape[0]))
        norms[norms == 0] = 1
        m.data /= norms[rows].astype(np.float32)
        return m

    def feature_names(self) -> list[str]:
        names = [""] * self.n_features
        for g, i in self.word_vocab.items():
            names[i] = g.replace("\x01", " ")
        for g, i in self.char_vocab.items():
            names[i] = g
        return names

    def get_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """(JSON-able config and vocabularies, arrays) for saving."""
        meta = {
            "word_range": list(self.word_range),
            "char_range": list(self.char_range),
            "min_df": self.min_df,
            "max_features": self.max_features,
            "sublinear_tf": self.sublinear_tf,
            "strip_spaces": self.strip_spaces,
            "word_vocab": sorted(self.word_vocab, key=self.word_vocab.__getitem__),
            "word_ids": sorted(self.word_vocab.values()),
            "char_vocab": sorted(self.char_vocab, key=self.char_vocab.__getitem__),
            "char_ids": sorted(self.char_vocab.values()),
        }
        return meta, {"idf": self.idf}

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray]) -> Featurizer:
        f = cls(
            word_range=tuple(meta["word_range"]),
            char_range=tuple(meta["char_range"]),
            min_df=meta["min_df"],
            max_features=meta["max_features"],
            sublinear_tf=meta["sublinear_tf"],
            strip_spaces=meta["strip_spaces"],
        )
        f.word_vocab = dict(zip(meta["word_vocab"], meta["word_ids"]))
        f.char_vocab = dict(zip(meta["char_vocab"], meta["char_ids"]))
        f.idf = np.asarray(arrays["idf"], dtype=np.float32)
        return f

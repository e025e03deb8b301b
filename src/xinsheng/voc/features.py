"""Sparse TF-IDF features over words and character n-grams, built for throughput.

A ``Featurizer`` learns a vocabulary (``fit``) and turns a batch of documents into a CSR
matrix (``transform``). A document is a pair ``(normalised_text, words)``.

Character n-grams never become Python strings: a batch is encoded once as an array of
code points and each n-gram (n ≤ 3) is packed into one 63-bit integer (21 bits per
code point), looked up in the sorted vocabulary with ``np.searchsorted``. Only words go
through a Python dict. The state is plain lists and arrays (JSON + npz), so models load
without pickle.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse

__all__ = ["Featurizer", "Doc", "char_keys", "key_to_text"]

Doc = tuple[str, Sequence[str]]
_BITS = 21
_NARROW = 12


def _bits(hi: int) -> int:
    """Bits per character: exact code points up to trigrams, 12-bit buckets up to 5-grams."""
    return _BITS if hi <= 3 else _NARROW


def char_keys(texts: Sequence[str], lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """(keys, doc index) of every character n-gram (lo ≤ n ≤ hi ≤ 5) of ``texts``.

    Up to trigrams a key holds the exact code points; for 4- and 5-grams (English) each
    character takes 12 bits and code points beyond 4095 share buckets (harmless for features).
    """
    if hi <= 0 or not texts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    joined = "\x00".join(texts) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    doc = np.cumsum(codes == 0) - (codes == 0)  # separator belongs to the document it ends
    bits = _bits(hi)
    if bits != _BITS:
        big = codes >= (1 << bits)
        codes[big] = codes[big] % ((1 << bits) - 3) + 3
    keys, docs = [], []
    for n in range(max(lo, 1), min(hi, 5) + 1):
        m = len(codes) - n + 1
        if m <= 0:
            continue
        k = codes[:m].copy()
        ok = k != 0
        for j in range(1, n):
            nxt = codes[j : j + m]
            k = (k << bits) | nxt
            ok &= nxt != 0
        keys.append(k[ok])
        docs.append(doc[:m][ok])
    return np.concatenate(keys), np.concatenate(docs)


def key_to_text(key: int, bits: int = _BITS) -> str:
    chars = []
    mask = (1 << bits) - 1
    while key:
        chars.append(chr(key & mask))
        key >>= bits
    return "".join(reversed(chars))


def word_ngrams(words: Sequence[str], lo: int, hi: int) -> list[str]:
    out: list[str] = list(words) if lo <= 1 else []
    for k in range(max(lo, 2), hi + 1):
        out.extend(["\x01".join(words[i : i + k]) for i in range(len(words) - k + 1)])
    return out


@dataclass
class Featurizer:
    """Words (n-grams ``word_range``) + characters (n-grams ``char_range``, n ≤ 5), TF-IDF, l2-normalised."""

    word_range: tuple[int, int] = (1, 1)
    char_range: tuple[int, int] = (1, 2)
    min_df: int = 2
    max_features: int = 300_000
    sublinear_tf: bool = True
    strip_spaces: bool = True
    word_vocab: dict[str, int] = field(default_factory=dict)
    char_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # sorted
    char_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    @property
    def n_features(self) -> int:
        return len(self.word_vocab) + len(self.char_keys)

    def _texts(self, docs: Sequence[Doc]) -> list[str]:
        return [d[0].replace(" ", "") for d in docs] if self.strip_spaces else [d[0] for d in docs]

    def _words(self, words: Sequence[str]) -> list[str]:
        return word_ngrams(words, *self.word_range) if self.word_range[1] > 0 else []

    def fit(self, docs: Iterable[Doc]) -> Featurizer:
        docs = list(docs)
        wdf: Counter[str] = Counter()
        for _, words in docs:
            wdf.update(set(self._words(words)))
        keys, doc = char_keys(self._texts(docs), *self.char_range)
        order = np.lexsort((doc, keys))
        keys, doc = keys[order], doc[order]
        first = np.ones(len(keys), bool)
        first[1:] = (keys[1:] != keys[:-1]) | (doc[1:] != doc[:-1])
        ukeys, cdf = np.unique(keys[first], return_counts=True)
        cand = [(c, 0, w) for w, c in wdf.items() if c >= self.min_df]
        cand += [(int(c), 1, int(k)) for k, c in zip(ukeys, cdf) if c >= self.min_df]
        cand.sort(key=lambda x: (-x[0], x[1], x[2]))
        cand = cand[: self.max_features]
        self.word_vocab = {}
        ck, ci = [], []
        dfs = np.zeros(len(cand), dtype=np.float64)
        for i, (c, kind, g) in enumerate(cand):
            if kind == 0:
                self.word_vocab[g] = i  # type: ignore[index]
            else:
                ck.append(g)
                ci.append(i)
            dfs[i] = c
        self._set_chars(np.asarray(ck, np.int64), np.asarray(ci, np.int64))
        self.idf = (np.log((1 + len(docs)) / (1 + dfs)) + 1).astype(np.float32)
        return self

    def _set_chars(self, keys: np.ndarray, ids: np.ndarray) -> None:
        order = np.argsort(keys)
        self.char_keys, self.char_ids = keys[order], ids[order]

    def transform(self, docs: Sequence[Doc]) -> sparse.csr_matrix:
        docs = list(docs)
        wget = self.word_vocab.get
        flat: list[int] = []
        counts = []
        for _, words in docs:
            before = len(flat)
            flat.extend(map(wget, self._words(words), repeat(-1)))
            counts.append(len(flat) - before)
        widx = np.asarray(flat, dtype=np.int64)
        wdoc = np.repeat(np.arange(len(docs)), counts)
        keys, cdoc = char_keys(self._texts(docs), *self.char_range)
        cidx = np.full(len(keys), -1, np.int64)
        if len(self.char_keys) and len(keys):
            pos = np.searchsorted(self.char_keys, keys)
            pos[pos == len(self.char_keys)] = 0
            hit = self.char_keys[pos] == keys
            cidx[hit] = self.char_ids[pos[hit]]
        idx = np.concatenate([widx, cidx])
        rows = np.concatenate([wdoc, cdoc])
        ok = idx >= 0
        return self._weigh(rows[ok], idx[ok], len(docs))

    def _weigh(self, rows: np.ndarray, idx: np.ndarray, n: int) -> sparse.csr_matrix:
        m = sparse.csr_matrix((np.ones(len(idx), np.float32), (rows, idx)), shape=(n, self.n_features))
        m.sum_duplicates()
        if self.sublinear_tf:
            np.log(m.data, out=m.data)
            m.data += 1
        m.data *= self.idf[m.indices]
        r = np.repeat(np.arange(n), np.diff(m.indptr))
        norms = np.sqrt(np.bincount(r, weights=m.data.astype(np.float64) ** 2, minlength=n))
        norms[norms == 0] = 1
        m.data /= norms[r].astype(np.float32)
        return m

    def feature_names(self) -> list[str]:
        names = [""] * self.n_features
        for g, i in self.word_vocab.items():
            names[i] = g.replace("\x01", " ")
        for k, i in zip(self.char_keys.tolist(), self.char_ids.tolist()):
            names[i] = key_to_text(k, _bits(self.char_range[1]))
        return names

    def get_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """(JSON-able config and word vocabulary, arrays) for saving."""
        meta = {
            "word_range": list(self.word_range), "char_range": list(self.char_range),
            "min_df": self.min_df, "max_features": self.max_features,
            "sublinear_tf": self.sublinear_tf, "strip_spaces": self.strip_spaces,
            "word_vocab": sorted(self.word_vocab, key=self.word_vocab.__getitem__),
            "word_ids": sorted(self.word_vocab.values()),
        }
        return meta, {"idf": self.idf, "char_keys": self.char_keys, "char_ids": self.char_ids}

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray]) -> Featurizer:
        f = cls(word_range=tuple(meta["word_range"]), char_range=tuple(meta["char_range"]),
                min_df=meta["min_df"], max_features=meta["max_features"],
                sublinear_tf=meta["sublinear_tf"], strip_spaces=meta["strip_spaces"])
        f.word_vocab = dict(zip(meta["word_vocab"], meta["word_ids"]))
        f._set_chars(np.asarray(arrays["char_keys"], np.int64), np.asarray(arrays["char_ids"], np.int64))
        f.idf = np.asarray(arrays["idf"], dtype=np.float32)
        return f

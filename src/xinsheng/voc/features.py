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
from itertools import chain, repeat
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse

from xinsheng.voc import tokens

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


class KeyIndex:
    """Maps int64 keys to ids with an open-addressing hash table probed by numpy.

    A sorted array and ``np.searchsorted`` cost ~18 dependent memory reads per key; this
    table (load ≤ 0.3, multiplicative hashing, linear probing) mostly needs one.
    """

    _MULT = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, keys: np.ndarray, ids: np.ndarray) -> None:
        bits = max(4, int(np.ceil(np.log2(max(len(keys), 1) / 0.3))))
        self._shift = np.uint64(64 - bits)
        self._mask = (1 << bits) - 1
        self._keys = np.full(1 << bits, -1, dtype=np.int64)
        self._ids = np.full(1 << bits, -1, dtype=np.int64)
        slot = self._slots(keys)
        todo = np.arange(len(keys))
        self._probes = 0
        while len(todo):  # place keys; a key whose slot is taken moves one slot on
            self._probes += 1
            s = slot[todo]
            free = self._keys[s] == -1
            first = np.zeros(len(todo), bool)
            _, pos = np.unique(s[free], return_index=True)
            first[np.flatnonzero(free)[pos]] = True
            self._keys[s[first]] = keys[todo[first]]
            self._ids[s[first]] = ids[todo[first]]
            todo = todo[~first]
            slot[todo] = (slot[todo] + 1) & self._mask

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            h = np.ascontiguousarray(keys, dtype=np.int64).view(np.uint64) * self._MULT
        h >>= self._shift
        return h.view(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The id of each key, -1 where unknown."""
        slot = self._slots(keys)
        found = self._keys[slot]
        hit = found == keys
        out = np.where(hit, self._ids[slot], -1)
        todo = np.flatnonzero(~hit & (found != -1))  # the slot held another key: probe on
        for _ in range(self._probes - 1):
            if not len(todo):
                break
            slot[todo] = (slot[todo] + 1) & self._mask
            s = slot[todo]
            found = self._keys[s]
            hit = found == keys[todo]
            out[todo[hit]] = self._ids[s[hit]]
            todo = todo[~hit & (found != -1)]
        return out


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
        self._index = KeyIndex(self.char_keys, self.char_ids)

    def feature_ids(self, docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray]:
        """(document, feature id) of every known word and character n-gram occurrence."""
        batch = tokens.batch_ids([d[1] for d in docs]) if self.word_range == (1, 1) else None
        if batch is not None:  # the words carry token ids: one array look-up
            table, ids, lengths = batch
            widx = self._word_column().of(table)[ids]
        else:
            grams = [d[1] for d in docs] if self.word_range == (1, 1) else [self._words(d[1]) for d in docs]
            if self.word_range[1] <= 0:
                grams = [[] for _ in docs]
            flat = list(chain.from_iterable(grams))
            widx = np.fromiter(map(self.word_vocab.get, flat, repeat(-1)), np.int64, len(flat))
            lengths = np.fromiter(map(len, grams), np.int64, len(grams))
        wdoc = np.repeat(np.arange(len(docs)), lengths)
        keys, cdoc = char_keys(self._texts(docs), *self.char_range)
        cidx = self._index.lookup(keys) if len(self.char_keys) and len(keys) else np.full(len(keys), -1, np.int64)
        idx = np.concatenate([widx, cidx])
        rows = np.concatenate([wdoc, cdoc])
        ok = idx >= 0
        return rows[ok], idx[ok]

    def _word_column(self) -> tokens.Column:
        """The vocabulary id of every token id (-1: not in the vocabulary)."""
        col = getattr(self, "_column", None)
        if col is None or col[0] is not self.word_vocab:
            get = self.word_vocab.get
            col = self._column = (self.word_vocab, tokens.Column(lambda ws: [get(w, -1) for w in ws], np.int64))
        return col[1]

    def counts(self, docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document, feature id, count), sorted by document then feature."""
        rows, idx = self.feature_ids(docs)
        width = max(self.n_features, 1)
        dtype = np.int32 if len(docs) * width < 2**31 else np.int64
        key = np.sort(rows.astype(dtype) * dtype(width) + idx.astype(dtype))
        if not len(key):
            return rows, idx, np.zeros(0, np.int64)
        first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        n = np.diff(np.r_[first, len(key)])
        u = key[first].astype(np.int64)
        return u // width, u % width, n

    def weights(self, docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document, feature id, TF-IDF weight), l2-normalised per document, sorted."""
        rows, idx, n = self.counts(docs)
        tf = (np.log(n) + 1) if self.sublinear_tf else n.astype(np.float64)
        w = tf * self.idf[idx]
        norms = np.sqrt(np.bincount(rows, weights=w * w, minlength=len(docs)))
        norms[norms == 0] = 1
        return rows, idx, (w / norms[rows]).astype(np.float32)

    def transform(self, docs: Sequence[Doc]) -> sparse.csr_matrix:
        docs = list(docs)
        rows, idx, w = self.weights(docs)
        indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=len(docs)))]
        return sparse.csr_matrix((w, idx, indptr), shape=(len(docs), self.n_features))

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

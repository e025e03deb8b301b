"""Using a base (``voc learn``): text vectors, and features for models trained with one.

A text's vector is the TF-IDF-weighted mean of its words' unit vectors beside the same
mean over its characters (each half l2-normalised; units the base never kept count for
nothing). ``BaseFeaturizer`` puts that dense block beside a model's sparse TF-IDF
features; it stores the base's vectors in the model's own files, so a model trained
with a base needs no other file (the base's folder and checksum are recorded too).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse

from xinsheng.voc.learn import FORMAT, MANIFEST_FILE, VECTORS_FILE, BaseError, file_sha256, row_of, unit_keys

__all__ = ["Base", "BaseError", "BaseFeaturizer", "load_base", "resolve_base", "ENV"]

ENV = "XINSHENG_VOC_BASE"
#: How a text's units are pooled into its vector (``Base.doc_vectors``).
POOLINGS = ("idf_mean", "sif_mean", "idf_mean_max")
#: SIF's smoothing constant (Arora et al. 2017) against the share of texts holding a unit.
SIF_A = 0.01


def _unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return x / norms


@dataclass
class Base:
    rows: np.ndarray  # sorted hashed rows kept
    vecs: np.ndarray  # (len(rows), dim) float32, l2-normalised
    idf: np.ndarray  # (len(rows),)
    row_bits: int
    info: dict  # where it came from: folder, checksum, corpus, dims

    @property
    def dim(self) -> int:
        return int(self.vecs.shape[1])

    @property
    def doc_dim(self) -> int:
        return 2 * self.dim

    def _lookup(self, keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(document, kept row position) of every unit of ``keys`` the base kept, by document."""
        lens = np.fromiter(map(len, keys), np.int64, len(keys))
        flat = np.concatenate(keys) if keys else np.zeros(0, np.int64)
        doc = np.repeat(np.arange(len(keys)), lens)
        r = row_of(flat, self.row_bits)
        pos = np.searchsorted(self.rows, r)
        pos[pos >= len(self.rows)] = 0
        hit = self.rows[pos] == r if len(self.rows) else np.zeros(len(r), bool)
        return doc[hit], pos[hit]

    def _pool(self, keys: list[np.ndarray], pooling: str) -> np.ndarray:
        """Pooled, l2-normalised vector of each key list: the mean weighted by idf
        (``idf_mean``) or by SIF_A / (SIF_A + p), p the share of texts holding the unit
        (``sif_mean``); ``idf_mean_max`` adds the element-wise max (its own unit-norm half)."""
        doc, pos = self._lookup(keys)
        if pooling == "sif_mean":
            share = np.exp(1.0 - self.idf[pos].astype(np.float64))  # idf = ln((1+N)/(1+df)) + 1
            weight = SIF_A / (SIF_A + share)
        else:
            weight = self.idf[pos].astype(np.float64)
        m = sparse.csr_matrix((weight, (doc, pos)), shape=(len(keys), len(self.rows)))
        out = _unit_rows(np.asarray(m @ self.vecs, dtype=np.float64))
        if pooling != "idf_mean_max":
            return out
        top = np.zeros_like(out)
        if len(doc):
            starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
            top[doc[starts]] = np.maximum.reduceat(self.vecs[pos].astype(np.float64), starts, axis=0)
        return np.hstack([out, _unit_rows(top)])

    def unit_vectors(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(vectors, idf) of unit keys (``learn.unit_keys``); zeros and idf 0 where not kept."""
        r = row_of(np.asarray(keys, np.int64), self.row_bits)
        pos = np.searchsorted(self.rows, r)
        pos[pos >= len(self.rows)] = 0
        hit = self.rows[pos] == r if len(self.rows) else np.zeros(len(r), bool)
        vecs = np.where(hit[:, None], self.vecs[pos], 0).astype(np.float64)
        return vecs, np.where(hit, self.idf[pos], 0.0)

    def doc_vectors(self, docs: Sequence[tuple[str, Sequence[str]]], pooling: str = "idf_mean") -> np.ndarray:
        """(n, doc_width(pooling)): [words' pooled vector | characters' pooled vector] of
        each (normalised text, words); see ``POOLINGS``."""
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {', '.join(POOLINGS)}")
        pairs = [unit_keys(text, words) for text, words in docs]
        w = self._pool([p[0] for p in pairs], pooling)
        c = self._pool([p[1] for p in pairs], pooling)
        return np.hstack([w, c]).astype(np.float32)

    def doc_width(self, pooling: str = "idf_mean") -> int:
        return self.doc_dim * (2 if pooling == "idf_mean_max" else 1)

    def text_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of raw texts (normalised and segmented as ``voc train`` does)."""
        from xinsheng.voc.text import normalize_many, segment

        norm = normalize_many(list(texts))
        return self.doc_vectors([(t, segment(t)) for t in norm])

    def arrays(self, prefix: str = "base_") -> dict[str, np.ndarray]:
        return {f"{prefix}rows": self.rows, f"{prefix}vecs": self.vecs, f"{prefix}idf": self.idf}

    @classmethod
    def from_arrays(cls, arrays: dict, row_bits: int, info: dict, prefix: str = "base_") -> Base:
        return cls(np.asarray(arrays[f"{prefix}rows"], np.int64), np.asarray(arrays[f"{prefix}vecs"], np.float32),
                   np.asarray(arrays[f"{prefix}idf"], np.float32), int(row_bits), dict(info))


def load_base(folder: str | Path) -> Base:
    """The base in ``folder``; BaseError (one line) when it is missing or corrupt."""
    path = Path(folder)
    if not path.is_dir():
        raise BaseError(f"{folder}: base folder not found (write one with `xinsheng voc learn`)")
    try:
        manifest = json.loads((path / MANIFEST_FILE).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BaseError(f"{folder}: no readable {MANIFEST_FILE} ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BaseError(f"{folder}: not a base written by `xinsheng voc learn`")
    vec_file = path / VECTORS_FILE
    digest = file_sha256(vec_file) if vec_file.is_file() else None
    if digest is None or digest != manifest.get("checksums", {}).get(VECTORS_FILE):
        raise BaseError(f"{folder}: {VECTORS_FILE} is missing or does not match its manifest (corrupt); "
                        "run `xinsheng voc learn` again")
    try:
        with np.load(vec_file, allow_pickle=False) as a:
            arrays = {k: a[k] for k in a.files}
        info = {"folder": str(path.resolve()), "sha256": digest, "corpus": manifest.get("corpus", {}),
                "dims": manifest.get("dims", {}), "updated_at": manifest.get("updated_at", "")}
        return Base.from_arrays(arrays, manifest["params"]["row_bits"], info, prefix="")
    except (OSError, ValueError, KeyError) as exc:
        raise BaseError(f"{folder}: base files unreadable ({exc})") from None


def resolve_base(option: str | Path | None) -> Base | None:
    """The base named by ``--base``, else by ``XINSHENG_VOC_BASE``, else none."""
    folder = option or os.environ.get(ENV) or None
    if not folder:
        try:
            from xinsheng.config import get_settings

            folder = get_settings().voc_base
        except (ImportError, AttributeError):
            folder = None
    return load_base(folder) if folder else None


@dataclass
class BaseFeaturizer:
    """A model's featurizer plus the base's text vectors (``pooling``) weighted ``weight``;
    rows stay l2-normalised (the sparse part has norm 1, each of the dense part's k
    unit-norm halves ``weight``, so the dense part has norm √k · weight)."""

    inner: object  # Featurizer | PairFeaturizer
    base: Base
    weight: float = 0.5
    pooling: str = "idf_mean"

    @property
    def n_features(self) -> int:
        return self.inner.n_features + self.base.doc_width(self.pooling)

    def fit(self, docs) -> BaseFeaturizer:
        self.inner.fit(list(docs))
        return self

    def transform(self, docs) -> sparse.csr_matrix:
        docs = list(docs)
        a = self.inner.transform(docs)
        b = sparse.csr_matrix(self.base.doc_vectors(docs, self.pooling) * self.weight)
        halves = self.base.doc_width(self.pooling) // self.base.dim
        norm = np.sqrt(1 + halves * self.weight**2)
        return (sparse.hstack([a, b], format="csr") / norm).astype(np.float32)

    def weights(self, docs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document, feature id, weight), sorted, as ``Featurizer.weights`` gives."""
        x = self.transform(docs).tocoo()
        order = np.lexsort((x.col, x.row))
        return x.row[order].astype(np.int64), x.col[order].astype(np.int64), x.data[order]

    def feature_names(self) -> list[str]:
        return self.inner.feature_names() + [""] * self.base.doc_width(self.pooling)

    def get_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        imeta, iarr = self.inner.get_state()
        meta = {"kind": "with_base", "weight": self.weight, "pooling": self.pooling, "inner": imeta,
                "base": {**self.base.info, "row_bits": self.base.row_bits}}
        return meta, {**iarr, **self.base.arrays()}

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray], inner) -> BaseFeaturizer:
        """``inner``: the model's own featurizer, loaded by ``linear.load_featurizer``;
        models saved before ``pooling`` was recorded pooled by ``idf_mean``."""
        base = Base.from_arrays(arrays, meta["base"]["row_bits"], meta["base"])
        return cls(inner, base, float(meta["weight"]), str(meta.get("pooling", "idf_mean")))

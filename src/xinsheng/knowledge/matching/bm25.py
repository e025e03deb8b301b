"""Okapi BM25 over a sparse term × document matrix (scipy), rebuilt in bulk.

Document weights ``tf·(k1+1) / (tf + k1·(1-b+b·dl/avgdl))`` are precomputed, so a query
is one sparse row slice and a dot product with the query terms' idf: about a millisecond
for 100,000 short questions.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse


class Vocabulary:
    """Term → integer id, growing as documents arrive (ids are never reused)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def encode(self, terms: Sequence[str]) -> np.ndarray:
        ids = self.ids
        return np.fromiter((ids.setdefault(t, len(ids)) for t in terms), dtype=np.int32, count=len(terms))

    def lookup(self, terms: Sequence[str]) -> np.ndarray:
        ids = self.ids
        return np.array([ids[t] for t in dict.fromkeys(terms) if t in ids], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ids)


class BM25:
    """Scores every document for a bag of query terms."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.n_docs = 0
        self.idf = np.zeros(0, dtype=np.float32)
        self.df = np.zeros(0, dtype=np.int32)
        self.matrix = sparse.csr_matrix((0, 0), dtype=np.float32)  # terms × documents

    def fit(self, docs: Sequence[np.ndarray], n_terms: int) -> BM25:
        """Build from documents given as arrays of term ids (see :class:`Vocabulary`)."""
        n = len(docs)
        lengths = np.fromiter((len(d) for d in docs), dtype=np.float32, count=n)
        if n == 0 or lengths.sum() == 0:
            self.__init__(self.k1, self.b)
            self.n_docs = n
            return self
        rows = np.concatenate(docs).astype(np.int32)
        cols = np.repeat(np.arange(n, dtype=np.int32), lengths.astype(np.int64))
        tf = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_terms, n)
        )
        tf.sum_duplicates()
        avgdl = max(float(lengths.mean()), 1e-6)
        norm = self.k1 * (1 - self.b + self.b * lengths / avgdl)
        data = tf.data
        col_of = tf.indices
        tf.data = (data * (self.k1 + 1) / (data + norm[col_of])).astype(np.float32)
        self.matrix = tf
        self.df = np.diff(tf.indptr).astype(np.int32)
        self.idf = np.log1p((n - self.df + 0.5) / (self.df + 0.5)).astype(np.float32)
        self.n_docs = n
        return self

    def scores(self, term_ids: np.ndarray) -> np.ndarray:
        """BM25 score of every document (zeros when no term is known)."""
        term_ids = term_ids[term_ids < self.matrix.shape[0]] if len(term_ids) else term_ids
        if not len(term_ids) or self.n_docs == 0:
            return np.zeros(self.n_docs, dtype=np.float32)
        rows = self.matrix[term_ids]
        return np.asarray(rows.T @ self.idf[term_ids]).ravel()

    def term_idf(self, term_id: int) -> float:
        """Smoothed idf of a term; unseen terms count as the rarest."""
        if 0 <= term_id < len(self.idf):
            return float(self.idf[term_id])
        return float(np.log1p((self.n_docs + 0.5) / 0.5))

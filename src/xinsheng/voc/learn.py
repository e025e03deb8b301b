"""``voc learn``: text representations (a *base*) learned from a bank's unlabelled texts.

Method: positive pointwise mutual information (PPMI) of co-occurrence counts, reduced by
a truncated SVD (Levy & Goldberg 2014: on par with word2vec at this scale, and exact,
deterministic and incremental, because the state is a sum of counts).

Units are words (rjieba, as ``voc train`` segments) and characters of the normalised
text. Counted per text:

* words with the words up to ``window`` places away, characters with the characters up
  to ``window`` places away, each weighted ``window + 1 - distance`` (integers, so any
  chunking sums to exactly the same counts);
* each word with its own characters (weight ``window``): words that share characters
  share a context, so a rare word lands near its parts.

Units and contexts are hashed into fixed spaces (``2**row_bits`` rows, ``2**ctx_bits``
contexts), so memory does not grow with the vocabulary: a file of any size is read in
chunks of about ``chunk_chars`` characters, each chunk's counts are added to one sparse
matrix, and ``--update`` adds new texts to the counts saved in the base folder.
"""
from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
from scipy import sparse

__all__ = ["BaseError", "LearnParams", "Counts", "count_chunk", "learn", "unit_keys", "row_of", "ctx_of",
           "FORMAT", "COUNTS_FILE", "VECTORS_FILE", "MANIFEST_FILE", "file_sha256"]

FORMAT = "xinsheng-voc-base"
VERSION = 1
MANIFEST_FILE = "manifest.json"
COUNTS_FILE = "counts.npz"
VECTORS_FILE = "vectors.npz"
_MULT_ROW = np.uint64(0x9E3779B97F4A7C15)
_MULT_CTX = np.uint64(0xC2B2AE3D27D4EB4F)
_WORD_FLAG = 1 << 40  # word keys: crc32 | flag; character keys: the code point (< 2**21)


class BaseError(ValueError):
    """A base folder that is missing, not a base, or whose files do not match its manifest."""


@dataclass(frozen=True)
class LearnParams:
    dim: int = 128
    window: int = 5
    row_bits: int = 20
    ctx_bits: int = 16
    min_count: int = 2
    alpha: float = 0.75  # context-distribution smoothing of PPMI
    chunk_chars: int = 400_000
    max_contexts: int = 8192  # the SVD sees the most frequent contexts only

    @classmethod
    def from_dict(cls, d: dict) -> LearnParams:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def unit_keys(text: str, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(word keys, character keys) of one normalised text: stable 64-bit integers."""
    wk = np.fromiter((zlib.crc32(w.encode("utf-8")) | _WORD_FLAG for w in words), np.int64, len(words))
    chars = text.replace(" ", "")
    ck = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.int64) if chars else np.zeros(0, np.int64)
    return wk, ck


def _hash(keys: np.ndarray, mult: np.uint64, bits: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = np.ascontiguousarray(keys, dtype=np.int64).view(np.uint64) * mult
    return (h >> np.uint64(64 - bits)).astype(np.int64)


def row_of(keys: np.ndarray, bits: int) -> np.ndarray:
    return _hash(keys, _MULT_ROW, bits)


def ctx_of(keys: np.ndarray, bits: int) -> np.ndarray:
    return _hash(keys, _MULT_CTX, bits)


@dataclass
class Counts:
    """The state of a base: co-occurrence counts and per-row unit and document counts."""

    params: LearnParams
    cooc: sparse.csr_matrix
    unit_count: np.ndarray  # per row: occurrences
    doc_freq: np.ndarray  # per row: texts it occurs in
    stats: dict = field(default_factory=lambda: {"texts": 0, "words": 0, "chars": 0, "runs": 0})

    @classmethod
    def empty(cls, params: LearnParams) -> Counts:
        rows, ctx = 1 << params.row_bits, 1 << params.ctx_bits
        return cls(params, sparse.csr_matrix((rows, ctx), dtype=np.float64),
                   np.zeros(rows, np.int64), np.zeros(rows, np.int64))

    def add(self, other: Counts) -> None:
        self.cooc = self.cooc + other.cooc
        self.unit_count += other.unit_count
        self.doc_freq += other.doc_freq
        for k in ("texts", "words", "chars"):
            self.stats[k] = self.stats.get(k, 0) + other.stats.get(k, 0)

    def save(self, path: Path) -> None:
        c = self.cooc.tocsr()
        c.sum_duplicates()
        nz_u, nz_d = np.flatnonzero(self.unit_count), np.flatnonzero(self.doc_freq)
        np.savez(path, data=c.data, indices=c.indices, indptr=c.indptr,
                            unit_rows=nz_u, unit_vals=self.unit_count[nz_u],
                            doc_rows=nz_d, doc_vals=self.doc_freq[nz_d])

    @classmethod
    def load(cls, path: Path, params: LearnParams, stats: dict) -> Counts:
        rows, ctx = 1 << params.row_bits, 1 << params.ctx_bits
        with np.load(path, allow_pickle=False) as a:
            cooc = sparse.csr_matrix((a["data"], a["indices"], a["indptr"]), shape=(rows, ctx))
            unit, df = np.zeros(rows, np.int64), np.zeros(rows, np.int64)
            unit[a["unit_rows"]] = a["unit_vals"]
            df[a["doc_rows"]] = a["doc_vals"]
        return cls(params, cooc, unit, df, dict(stats))


def _window_pairs(keys: np.ndarray, seq: np.ndarray, window: int) -> tuple[list, list, list]:
    """(row keys, context keys, weights) of units of one sequence id within ``window``."""
    rk, ck, wt = [], [], []
    for k in range(1, window + 1):
        if len(keys) <= k:
            break
        same = seq[:-k] == seq[k:]
        a, b = keys[:-k][same], keys[k:][same]
        w = np.full(len(a), window + 1 - k, np.int64)
        rk += [a, b]
        ck += [b, a]
        wt += [w, w]
    return rk, ck, wt


def _chunk_keys(docs: Sequence[tuple[str, Sequence[str]]]) -> dict[str, np.ndarray]:
    """Word keys, character keys, the text each belongs to, and (word key, character)
    pairs of each word with its own characters, for a whole chunk at once."""
    words = [w for _, ws in docs for w in ws]
    wk = np.fromiter((zlib.crc32(w.encode("utf-8")) | _WORD_FLAG for w in words), np.int64, len(words))
    ws = np.repeat(np.arange(len(docs)), [len(ws) for _, ws in docs])
    joined = "\x00".join(t.replace(" ", "").replace("\x00", "") for t, _ in docs) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    sep = codes == 0
    cs = (np.cumsum(sep) - sep)[~sep]
    ck = codes[~sep]
    wcodes = np.frombuffer(("\x00".join(words) + "\x00").encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    wsep = wcodes == 0
    member = (np.cumsum(wsep) - wsep)[~wsep]
    return {"wk": wk, "ws": ws, "ck": ck, "cs": cs,
            "mw": wk[member] if len(wk) else np.zeros(0, np.int64), "mc": wcodes[~wsep]}


def count_chunk(docs: Sequence[tuple[str, Sequence[str]]], params: LearnParams) -> Counts:
    """The counts of one chunk of (normalised text, words) documents."""
    k = _chunk_keys(docs)
    r1, c1, w1 = _window_pairs(k["wk"], k["ws"], params.window)
    r2, c2, w2 = _window_pairs(k["ck"], k["cs"], params.window)
    mweight = np.full(len(k["mw"]), params.window, np.int64)
    rkeys = np.concatenate(r1 + r2 + [k["mw"], k["mc"]])
    ckeys = np.concatenate(c1 + c2 + [k["mc"], k["mw"]])
    weights = np.concatenate(w1 + w2 + [mweight, mweight])
    n_rows, n_ctx = 1 << params.row_bits, 1 << params.ctx_bits
    cooc = sparse.coo_matrix((weights.astype(np.float64), (row_of(rkeys, params.row_bits),
                              ctx_of(ckeys, params.ctx_bits))), shape=(n_rows, n_ctx)).tocsr()
    rows = row_of(np.concatenate([k["wk"], k["ck"]]), params.row_bits)
    unit_count = np.bincount(rows, minlength=n_rows).astype(np.int64)
    doc_of = np.concatenate([k["ws"], k["cs"]])
    pairs = np.unique(doc_of * n_rows + rows)
    doc_freq = np.bincount(pairs % n_rows, minlength=n_rows).astype(np.int64)
    stats = {"texts": len(docs), "words": int(len(k["wk"])), "chars": int(len(k["ck"]))}
    return Counts(params, cooc, unit_count, doc_freq, stats)


def ppmi_svd(counts: Counts, progress: Callable[[str], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(kept rows, unit vectors): rows seen at least ``min_count`` times, their PPMI rows
    reduced to ``dim`` dimensions (U·√S, then l2-normalised)."""
    from sklearn.utils.extmath import randomized_svd

    p = counts.params
    rows = np.flatnonzero(counts.unit_count >= p.min_count)
    m = counts.cooc[rows].tocsr()
    m.sum_duplicates()
    m.eliminate_zeros()
    total = float(m.sum())
    if not len(rows) or total <= 0:
        raise ValueError("too few texts to learn from (no word or character seen twice)")
    col_all = np.asarray(m.sum(axis=0)).ravel()
    top = np.sort(np.argsort(-col_all, kind="stable")[: p.max_contexts])
    row_sum = np.asarray(m.sum(axis=1)).ravel()  # P(unit) over all its contexts
    m = m[:, top[col_all[top] > 0]]
    col = np.asarray(m.sum(axis=0)).ravel() ** p.alpha
    col_p = col / col.sum()
    coo = m.tocoo()
    pmi = np.log(coo.data / total) - np.log(row_sum[coo.row] / total) - np.log(col_p[coo.col])
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=m.shape)
    k = max(1, min(p.dim, min(ppmi.shape) - 1))
    from threadpoolctl import threadpool_limits  # a scikit-learn dependency

    with threadpool_limits(1):  # same result; on a busy machine BLAS threads only fight
        u, s, _ = randomized_svd(ppmi, k, n_iter=4, random_state=0)
    u *= np.sign(u.sum(axis=0, keepdims=True) + 1e-30)  # one sign per dimension, run to run
    vecs = u * np.sqrt(s)
    freq = counts.unit_count[rows].astype(np.float64)
    vecs -= (freq @ vecs) / freq.sum()  # the direction every text shares says nothing
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1
    vecs = vecs / norms
    if vecs.shape[1] < p.dim:
        vecs = np.hstack([vecs, np.zeros((len(vecs), p.dim - vecs.shape[1]))])
    return rows, vecs.astype(np.float32)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    n = 0
    for t in texts:
        if not t:
            continue
        batch.append(t)
        n += len(t)
        if n >= size:
            yield batch
            batch, n = [], 0
    if batch:
        yield batch


def learn(texts: Iterable[str], out: str | Path, params: LearnParams | None = None, *, update: bool = False,
          source: str = "", progress: Callable[[list[str]], None] | None = None) -> dict:
    """Count ``texts`` (streamed) into the base at ``out`` (added to its counts with
    ``update``), recompute its vectors and write its manifest; returns the manifest.
    ``progress`` is called with each chunk's texts once they are counted."""
    from xinsheng.voc.text import normalize_many, segment

    out = Path(out)
    old = _read_manifest(out) if update else None
    if old is not None:
        params = LearnParams.from_dict(old["params"])
        total = Counts.load(out / COUNTS_FILE, params, old["corpus"])
    else:
        params = params or LearnParams()
        total = Counts.empty(params)
    chunks = 0
    for batch in _chunks(texts, params.chunk_chars):
        norm = normalize_many(batch)
        total.add(count_chunk([(t, segment(t)) for t in norm], params))
        chunks += 1
        if progress:
            progress(batch)
    if total.stats.get("texts", 0) == 0:
        raise ValueError("no texts to learn from")
    rows, vecs = ppmi_svd(total)
    return _write(out, total, rows, vecs, old, source, chunks)


def _read_manifest(out: Path) -> dict:
    try:
        doc = json.loads((out / MANIFEST_FILE).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BaseError(f"{out}: no readable {MANIFEST_FILE} to update ({exc})") from None
    if doc.get("format") != FORMAT or not (out / COUNTS_FILE).is_file():
        raise BaseError(f"{out}: not a base written by `xinsheng voc learn` (or its counts are missing)")
    if doc.get("checksums", {}).get(COUNTS_FILE) != file_sha256(out / COUNTS_FILE):
        raise BaseError(f"{out}: {COUNTS_FILE} does not match its manifest (corrupt or changed)")
    return doc


def _write(out: Path, total: Counts, rows: np.ndarray, vecs: np.ndarray, old: dict | None,
           source: str, chunks: int) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    n_docs = max(int(total.stats["texts"]), 1)
    idf = (np.log((1 + n_docs) / (1 + total.doc_freq[rows])) + 1).astype(np.float32)
    total.save(out / COUNTS_FILE)
    np.savez_compressed(out / VECTORS_FILE, rows=rows, vecs=vecs, idf=idf)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    runs = (old or {}).get("runs", []) + [{"at": now, "source": source, "texts": None, "chunks": chunks}]
    corpus = {k: int(total.stats.get(k, 0)) for k in ("texts", "words", "chars")}
    runs[-1]["texts"] = corpus["texts"] - int((old or {}).get("corpus", {}).get("texts", 0))
    manifest = {
        "format": FORMAT, "version": VERSION, "method": "ppmi-svd", "params": asdict(total.params),
        "dims": {"unit": int(vecs.shape[1]), "doc": 2 * int(vecs.shape[1]), "units_kept": int(len(rows)),
                 "cooc_nonzeros": int(total.cooc.nnz)},
        "corpus": corpus, "runs": runs, "created_at": (old or {}).get("created_at", now), "updated_at": now,
        "checksums": {COUNTS_FILE: file_sha256(out / COUNTS_FILE), VECTORS_FILE: file_sha256(out / VECTORS_FILE)},
    }
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    return manifest

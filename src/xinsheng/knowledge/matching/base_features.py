"""Pair features from a base (``xinsheng voc learn``): how close two questions' learned
text vectors are. A pair model trained with ``kb train-pairs --base`` keeps a copy of the
base's vectors beside its JSON file (``base_vectors.npz``, checksum in the JSON), so
``kb eval-pairs --model`` and the answer matcher need nothing else.

Block, per pair (:data:`BLOCK`), symmetric in the two questions: the cosines of the word
halves, the character halves and the whole text vectors; then soft word alignment — each
word's best cosine to the other question's words (1 for the same word), idf-weighted, over
all words and over the words the other question does not share (synonyms, paraphrases).
Element-wise products of the two vectors were measured too and lost accuracy (overfitting
on a few thousand pairs), so they are not used.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from xinsheng.errors import InputFileError

__all__ = ["base_block", "BASE_FILE", "save_vectors", "load_vectors"]

BASE_FILE = "base_vectors.npz"


def base_block(base, q1: Sequence[str], q2: Sequence[str]) -> np.ndarray:
    """(n, 7) features of the pairs (q1[i], q2[i]) from ``base`` (voc.base.Base): the cosines
    of the text vectors' word halves, character halves and both, then soft word alignment."""
    from xinsheng.voc.text import normalize_many, segment

    if not len(q1):
        return np.zeros((0, len(BLOCK)))
    texts = list(dict.fromkeys(list(q1) + list(q2)))
    at = {t: i for i, t in enumerate(texts)}
    norm = normalize_many(texts)
    words = [segment(t) for t in norm]
    v = base.doc_vectors(list(zip(norm, words))).astype(np.float64)
    a, b = v[[at[t] for t in q1]], v[[at[t] for t in q2]]
    d = base.dim
    cos_w = np.sum(a[:, :d] * b[:, :d], axis=1)
    cos_c = np.sum(a[:, d:] * b[:, d:], axis=1)
    units = [_word_units(base, ws) for ws in words]
    soft = np.array([_alignment(units[at[x]], units[at[y]]) for x, y in zip(q1, q2)]).reshape(len(q1), 4)
    return np.column_stack([cos_w, cos_c, (cos_w + cos_c) / 2, soft])


#: The block's columns, in order.
BLOCK = ("cos_words", "cos_chars", "cos_both", "align_min", "align_max", "unmatched_align_min",
         "unmatched_align_max")


def _word_units(base, words: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    from xinsheng.voc.learn import unit_keys

    keys, _ = unit_keys("", words)
    vecs, idf = base.unit_vectors(keys)
    return words, vecs, np.maximum(idf, 1e-3)


def _align(a, b) -> tuple[float, float]:
    """How well ``a``'s words are covered by ``b``'s, by vector (idf-weighted mean of each
    word's best cosine; the same word counts 1): over all of ``a``'s words, and over the
    words ``b`` does not share (1 when none)."""
    wa, va, ia = a
    wb, vb, _ = b
    if not wa or not wb:
        return float(wa == wb), 1.0
    sims = va @ vb.T
    same = np.array([[x == y for y in wb] for x in wa])
    best = np.where(same, 1.0, sims).max(axis=1)
    shared = same.any(axis=1)
    overall = float(best @ ia / ia.sum())
    if shared.all():
        return overall, 1.0
    rest = ~shared
    return overall, float(best[rest] @ ia[rest] / ia[rest].sum())


def _alignment(a, b) -> list[float]:
    ab, ba = _align(a, b), _align(b, a)
    return [min(ab[0], ba[0]), max(ab[0], ba[0]), min(ab[1], ba[1]), max(ab[1], ba[1])]


def save_vectors(base, folder: Path) -> dict:
    """Writes the base's vectors beside the model; returns what the model records of it."""
    from xinsheng.voc.learn import file_sha256

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / BASE_FILE
    np.savez_compressed(path, **base.arrays(prefix=""))
    return {"file": BASE_FILE, "sha256": file_sha256(path), "row_bits": base.row_bits,
            "source": base.info.get("folder", ""), "source_sha256": base.info.get("sha256", ""),
            "corpus": base.info.get("corpus", {})}


def load_vectors(folder: Path, record: dict):
    """The base a pair model was trained with; InputFileError when its copy is missing or changed."""
    from xinsheng.voc.base import Base
    from xinsheng.voc.learn import file_sha256

    path = folder / record.get("file", BASE_FILE)
    if not path.is_file():
        raise InputFileError(f"{path}: the base this pair model was trained with is missing; "
                             "copy the whole model folder or retrain with 'kb train-pairs --base'")
    if file_sha256(path) != record.get("sha256"):
        raise InputFileError(f"{path}: does not match the pair model's checksum (corrupt or replaced)")
    try:
        with np.load(path, allow_pickle=False) as arr:
            arrays = {k: arr[k] for k in arr.files}
        return Base.from_arrays(arrays, record["row_bits"], {"folder": record.get("source", ""),
                                                             "sha256": record.get("source_sha256", "")}, prefix="")
    except (OSError, ValueError, KeyError) as exc:
        raise InputFileError(f"{path}: unreadable ({exc})") from None


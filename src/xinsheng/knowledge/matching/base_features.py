"""Pair features from a base (``xinsheng voc learn``): how close two questions' learned
text vectors are. A pair model trained with ``kb train-pairs --base`` keeps a copy of the
base's vectors beside its JSON file (``base_vectors.npz``, checksum in the JSON), so
``kb eval-pairs --model`` and the answer matcher need nothing else.

Block, per pair: the cosines of the word halves, the character halves and the whole
vectors, then the element-wise products a·b and absolute differences |a − b| (what a
sentence-pair model compares), symmetric in the two questions.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Sequence

import numpy as np

from xinsheng.errors import InputFileError

__all__ = ["base_block", "BASE_FILE", "save_vectors", "load_vectors"]

BASE_FILE = "base_vectors.npz"


def base_block(base, q1: Sequence[str], q2: Sequence[str]) -> np.ndarray:
    """(n, 3 + 4·dim) features of the pairs (q1[i], q2[i]) from ``base`` (voc.base.Base)."""
    if not len(q1):
        return np.zeros((0, 3 + 2 * base.doc_dim))
    texts = list(dict.fromkeys(list(q1) + list(q2)))
    at = {t: i for i, t in enumerate(texts)}
    v = base.text_vectors(texts).astype(np.float64)
    a, b = v[[at[t] for t in q1]], v[[at[t] for t in q2]]
    d = base.dim
    cos_w = np.sum(a[:, :d] * b[:, :d], axis=1)
    cos_c = np.sum(a[:, d:] * b[:, d:], axis=1)
    return np.column_stack([cos_w, cos_c, (cos_w + cos_c) / 2, a * b, np.abs(a - b)])


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


def copy_vectors(src_folder: Path, dst_folder: Path) -> None:
    """Copies a model's base file along with it (saving a loaded model elsewhere)."""
    if (src_folder / BASE_FILE).is_file() and src_folder.resolve() != dst_folder.resolve():
        shutil.copyfile(src_folder / BASE_FILE, dst_folder / BASE_FILE)

"""Linear text classifiers over ``Featurizer`` features: fit with scikit-learn, serve with numpy.

At prediction time a model is only a vocabulary, an idf vector and a weight matrix,
so scoring a batch is one sparse × dense product. Ensembles of linear models (logistic
regression + a temperature-scaled linear SVM) fold into one weight matrix.

``PairFeaturizer`` adds a block of unordered word pairs (light English stems) to a
``Featurizer``: conjunctions such as (card, arrive) or (top, revert) that separate close
intents in short utterances, still one sparse row per text.
"""
from __future__ import annotations

import itertools
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse

from xinsheng.voc.features import Doc, Featurizer

log = logging.getLogger(__name__)

__all__ = ["LinearModel", "PairFeaturizer", "fit_linear", "load_featurizer", "light_stem", "softmax"]


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class LinearModel:
    """``classes`` and a weight matrix ``coef`` (n_classes × n_features); binary models have one row."""

    featurizer: Featurizer | PairFeaturizer
    classes: list[str]
    coef: np.ndarray
    intercept: np.ndarray
    meta: dict

    @property
    def binary(self) -> bool:
        return self.coef.shape[0] == 1

    def decision(self, X: sparse.csr_matrix) -> np.ndarray:
        """Logits: (n,) for a binary model (positive class = classes[1]), (n, k) otherwise."""
        z = np.asarray(X @ self.coef.T) + self.intercept
        return z[:, 0] if self.binary else z

    def predict_proba(self, X: sparse.csr_matrix) -> np.ndarray:
        z = self.decision(X)
        if self.binary:
            p = 1.0 / (1.0 + np.exp(-z))
            return np.column_stack([1 - p, p])
        return softmax(z)

    def transform(self, docs: Sequence[Doc]) -> sparse.csr_matrix:
        return self.featurizer.transform(docs)

    def explain(self, x: sparse.csr_matrix, cls: int, k: int = 3, names: list[str] | None = None) -> list[str]:
        """The ``k`` features of one row ``x`` that push it most towards class ``cls``."""
        row = self.coef[0 if self.binary else cls]
        contrib = x.data * row[x.indices] * (1 if (not self.binary or cls == 1) else -1)
        names = names or self._names()
        order = np.argsort(-contrib)[: k * 3]
        out: list[str] = []
        for i in order:
            if contrib[i] <= 0:
                break
            name = names[x.indices[i]]
            if len(name.strip()) >= 2 and not any(name in o or o in name for o in out):
                out.append(name)
            if len(out) == k:
                break
        return out

    def _names(self) -> list[str]:
        if not hasattr(self, "_cached_names"):
            self._cached_names = self.featurizer.feature_names()
        return self._cached_names

    def save(self, folder: str | Path, name: str) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        fmeta, farrays = self.featurizer.get_state()
        doc = {"classes": self.classes, "featurizer": fmeta, "meta": self.meta}
        (folder / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        np.savez_compressed(folder / f"{name}.npz", coef=self.coef, intercept=self.intercept, **farrays)

    @classmethod
    def load(cls, folder: str | Path, name: str) -> LinearModel:
        folder = Path(folder)
        doc = json.loads((folder / f"{name}.json").read_text("utf-8"))
        with np.load(folder / f"{name}.npz", allow_pickle=False) as arr:
            arrays = {k: arr[k] for k in arr.files}
        feat = load_featurizer(doc["featurizer"], arrays)
        return cls(feat, list(doc["classes"]), arrays["coef"].astype(np.float32),
                   arrays["intercept"].astype(np.float32), doc.get("meta", {}))


_VOWEL = re.compile(r"[aeiouy]")
_KEEP_S = ("ss", "us", "is")


def light_stem(word: str) -> str:
    """A light English suffix rule: plural -s/-ies, -ed/-ied/-ing (undoubling), final -e.

    Variants of one word share a stem (charge, charged, charges, charging → charg;
    transferred, transferring → transfer); other scripts, numbers and short words pass as is.
    """
    w = word
    if len(w) <= 3 or not w.isascii() or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(_KEEP_S):
        w = w[:-1]
    for suf in ("ied", "ing", "ed"):
        stem = w[: -len(suf)]
        if w.endswith(suf) and len(stem) >= 3 and _VOWEL.search(stem):
            w = stem + "y" if suf == "ied" else stem
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def word_pairs(words: Sequence[str], window: int) -> list[str]:
    """Unordered pairs of distinct stems less than ``window`` words apart, as ``a+b`` tokens."""
    stems = [light_stem(w) for w in words]
    pairs = {(a, b) if a < b else (b, a)
             for i, a in enumerate(stems) for b in itertools.islice(stems, i + 1, i + window) if a != b}
    return [f"{a}+{b}" for a, b in sorted(pairs)]


@dataclass
class PairFeaturizer:
    """A ``Featurizer`` plus a TF-IDF block of word pairs weighted ``weight``; rows stay l2-normalised."""

    base: Featurizer
    pairs: Featurizer
    weight: float = 0.7
    window: int = 24

    @classmethod
    def new(cls, base: Featurizer, weight: float = 0.7, window: int = 24, min_df: int = 2) -> PairFeaturizer:
        pairs = Featurizer(word_range=(1, 1), char_range=(0, 0), min_df=min_df, strip_spaces=False)
        return cls(base, pairs, weight, window)

    @property
    def n_features(self) -> int:
        return self.base.n_features + self.pairs.n_features

    def _pair_docs(self, docs: Sequence[Doc]) -> list[Doc]:
        return [(text, word_pairs(words, self.window)) for text, words in docs]

    def fit(self, docs: Sequence[Doc]) -> PairFeaturizer:
        docs = list(docs)
        self.base.fit(docs)
        self.pairs.fit(self._pair_docs(docs))
        return self

    def transform(self, docs: Sequence[Doc]) -> sparse.csr_matrix:
        docs = list(docs)
        a = self.base.transform(docs)
        b = self.pairs.transform(self._pair_docs(docs)) * self.weight
        return (sparse.hstack([a, b], format="csr") / np.sqrt(1 + self.weight**2)).astype(np.float32)

    def feature_names(self) -> list[str]:
        """Pairs are stems, not text, so they stay unnamed (explanations show words and characters)."""
        return self.base.feature_names() + [""] * self.pairs.n_features

    def get_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        bmeta, barr = self.base.get_state()
        pmeta, parr = self.pairs.get_state()
        meta = {"kind": "word_pairs", "weight": self.weight, "window": self.window, "base": bmeta, "pairs": pmeta}
        return meta, {**barr, **{f"pairs_{k}": v for k, v in parr.items()}}

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray]) -> PairFeaturizer:
        parr = {k[len("pairs_"):]: v for k, v in arrays.items() if k.startswith("pairs_")}
        return cls(Featurizer.from_state(meta["base"], arrays), Featurizer.from_state(meta["pairs"], parr),
                   float(meta["weight"]), int(meta["window"]))


def load_featurizer(meta: dict, arrays: dict[str, np.ndarray]) -> Featurizer | PairFeaturizer:
    """The featurizer saved by ``get_state`` (plain ``Featurizer`` state has no ``kind``)."""
    if meta.get("kind") == "word_pairs":
        return PairFeaturizer.from_state(meta, arrays)
    if meta.get("kind") == "with_base":  # trained with `--base` (voc learn); the base's vectors ride along
        from xinsheng.voc.base import BaseFeaturizer

        inner = load_featurizer(meta["inner"], {k: v for k, v in arrays.items() if not k.startswith("base_")})
        return BaseFeaturizer.from_state(meta, arrays, inner)
    return Featurizer.from_state(meta, arrays)


def _svm_temperature(svm_z: np.ndarray, lr_z: np.ndarray) -> float:
    """Scale SVM margins to the spread of the logistic-regression logits."""
    s = float(np.std(svm_z))
    return float(np.std(lr_z)) / s if s > 0 else 1.0


def _fit_svm_calibrated(X: sparse.csr_matrix, y: np.ndarray, C: float, seed: int = 0):
    """A one-vs-rest linear SVM whose margins are turned into probabilities by a softmax
    temperature chosen on a held-out 15 % (then refitted on everything)."""
    from sklearn.model_selection import train_test_split
    from sklearn.svm import LinearSVC

    temp = 1.0
    counts = np.unique(y, return_counts=True)[1]
    if len(y) >= 200 and counts.min() >= 2:
        tr, ho = train_test_split(np.arange(len(y)), test_size=0.15, random_state=seed, stratify=y)
        sv = LinearSVC(C=C).fit(X[tr], y[tr])
        z = sv.decision_function(X[ho])
        z = np.column_stack([-z, z]) if z.ndim == 1 else z
        gold = np.searchsorted(sv.classes_, y[ho])
        best = -np.inf
        for t in np.geomspace(0.5, 50, 40):
            p = softmax(z * t)
            ll = float(np.mean(np.log(p[np.arange(len(gold)), gold] + 1e-12)))
            if ll > best:
                best, temp = ll, float(t)
    sv = LinearSVC(C=C).fit(X, y)
    coef, intercept = sv.coef_ * temp, sv.intercept_ * temp
    if coef.shape[0] == 1:  # binary: softmax over (-z, z) equals a sigmoid of 2z
        coef, intercept = coef * 2, intercept * 2
    return sv.classes_, coef, intercept, temp


def fit_linear(
    docs: Sequence[Doc],
    labels: Sequence[str],
    featurizer: Featurizer | PairFeaturizer,
    *,
    C: float = 4.0,
    svm: bool = True,
    estimator: str = "ensemble",
    class_weight: str | None = None,
    meta: dict | None = None,
) -> LinearModel:
    """Fit a linear classifier and fold it into one ``LinearModel``.

    ``estimator``: ``lr`` (logistic regression), ``svm`` (calibrated linear SVM, fast with
    many classes) or ``ensemble`` (logistic regression + temperature-scaled SVM).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    X = featurizer.fit(docs).transform(docs)
    y = np.asarray(labels)
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise ValueError("training needs at least two distinct labels")
    if estimator == "svm":
        cls, coef, intercept, temp = _fit_svm_calibrated(X, y, C)
        meta = {**(meta or {}), "estimator": "svm", "temperature": round(temp, 4)}
        return LinearModel(featurizer, [str(c) for c in cls], coef.astype(np.float32),
                           intercept.astype(np.float32), meta)
    svm = svm and estimator == "ensemble"
    lr = LogisticRegression(C=C, max_iter=2000, class_weight=class_weight)
    lr.fit(X, y)
    coef, intercept = lr.coef_.astype(np.float64), lr.intercept_.astype(np.float64)
    if svm:
        sv = LinearSVC(C=max(C / 8, 0.1), class_weight=class_weight).fit(X, y)
        t = _svm_temperature(sv.decision_function(X), lr.decision_function(X))
        coef, intercept = (coef + t * sv.coef_) / 2, (intercept + t * sv.intercept_) / 2
    model = LinearModel(featurizer, [str(c) for c in lr.classes_], coef.astype(np.float32),
                        intercept.astype(np.float32), dict(meta or {}))
    log.info("fitted %d-class linear model on %d docs, %d features", len(classes), len(docs), featurizer.n_features)
    return model

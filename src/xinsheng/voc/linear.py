"""Linear text classifiers over ``Featurizer`` features: fit with scikit-learn, serve with numpy.

At prediction time a model is only a vocabulary, an idf vector and a weight matrix,
so scoring a batch is one sparse × dense product. Ensembles of linear models (logistic
regression + a temperature-scaled linear SVM) fold into one weight matrix.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse

from xinsheng.voc.features import Doc, Featurizer

log = logging.getLogger(__name__)

__all__ = ["LinearModel", "fit_linear", "softmax"]


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class LinearModel:
    """``classes`` and a weight matrix ``coef`` (n_classes × n_features); binary models have one row."""

    featurizer: Featurizer
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
        feat = Featurizer.from_state(doc["featurizer"], arrays)
        return cls(feat, list(doc["classes"]), arrays["coef"].astype(np.float32),
                   arrays["intercept"].astype(np.float32), doc.get("meta", {}))


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
    featurizer: Featurizer,
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

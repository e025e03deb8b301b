"""How `voc train --base` should use a base, chosen on a dev split that is never scored.

Reads the training CSVs and bases that ``eval_base.py --work DIR`` leaves in DIR and
scores every variant by k-fold cross-validation within the training rows only (shuffled,
seed 11; the TF-IDF vocabulary is refitted per fold): how the text vector is pooled (``Base.doc_vectors`` options), the
weight of the dense block beside the unit-norm TF-IDF row, and C. The test CSVs are not
read. Prints dev accuracy per variant, best first.

    python benchmarks/tune_base.py --work DIR [--sub 6000] [--folds 5] [--sets onli,SMP2,Bank]
"""
from __future__ import annotations

import argparse
import csv
import itertools
import random
import sys
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks._base_baselines import sentiment_baseline, topic_baseline  # noqa: E402
from benchmarks._machine import machine, markdown_table  # noqa: E402

SETS = {"onli": ("sentiment", "base_zh"), "SMP2": ("sentiment", "base_zh"), "Bank": ("topic", "base_en")}


class Cached:
    """A featurizer over row indices of a precomputed matrix (for ``fit_linear``)."""

    def __init__(self, X):
        self.X, self.n_features = X, X.shape[1]

    def fit(self, idx):
        return self

    def transform(self, idx):
        return self.X[np.asarray(list(idx))]


def score(task: str, X_fit, y_fit, X_dev, y_dev, C: float) -> float:
    from xinsheng.voc.linear import fit_linear

    many = len(set(y_fit)) > 8
    n = X_fit.shape[0]
    X = sparse.vstack([X_fit, X_dev]).tocsr()
    model = fit_linear(list(range(n)), y_fit, Cached(X), C=C, estimator="svm" if many else "ensemble")
    z = model.decision(X[n:])
    pred = (np.where(z > 0, model.classes[1], model.classes[0]) if model.binary
            else np.asarray(model.classes)[np.asarray(z).argmax(axis=1)])
    return float(np.mean(pred == np.asarray(y_dev)))


def run_set(work: Path, key: str, sub: int, folds: int, poolings, weights, cs) -> list[list]:
    from xinsheng.voc.base import load_base
    from xinsheng.voc.train import _short_texts, featurizer_for, prepare_docs

    task, base_name = SETS[key]
    path = next(work.glob(f"{task}_{key}_train.csv"))
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(r["text"], r["label"]) for r in csv.DictReader(fh)]
    random.Random(11).shuffle(rows)
    rows = rows[:sub] if sub else rows
    docs, lang = prepare_docs([t for t, _ in rows])
    y = np.asarray([lab for _, lab in rows])
    fold_of = np.arange(len(rows)) % folds
    feats = []
    for f in range(folds):
        fit, dev = np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)
        inner = featurizer_for(lang, task == "topic" and _short_texts(docs)).fit([docs[i] for i in fit])
        feats.append((fit, dev, inner.transform(docs).tocsr()))
    base = load_base(work / base_name)
    out = []
    if "baseline" in poolings:  # the classical baseline, same folds
        fit_base = sentiment_baseline if task == "sentiment" else topic_baseline
        texts = [t for t, _ in rows]
        accs = [fit_base([texts[i] for i in fit], y[fit], [texts[i] for i in dev], y[dev]) for fit, dev, _ in feats]
        out.append([key, len(rows), "baseline", "", "", round(float(np.mean(accs)), 4), round(float(np.std(accs)), 4)])
        print(out[-1], flush=True)
    for pooling in [p for p in poolings if p != "baseline"]:
        B = base.doc_vectors(docs, pooling=pooling) if pooling != "none" else np.zeros((len(docs), 0))
        halves = B.shape[1] // base.dim
        for w, C in itertools.product(weights if B.size else [0.0], cs):
            accs = []
            for fit, dev, A in feats:
                X = sparse.hstack([A, sparse.csr_matrix(B * w)]).tocsr() / np.sqrt(1 + halves * w**2)
                accs.append(score(task, X[fit], y[fit], X[dev], y[dev], C))
            out.append([key, len(rows), pooling, w, C, round(float(np.mean(accs)), 4), round(float(np.std(accs)), 4)])
            print(out[-1], flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--sub", type=int, default=0, help="use this many training rows (0: all)")
    ap.add_argument("--sets", default="onli,SMP2,Bank")
    ap.add_argument("--folds", type=int, default=5, help="k-fold cross-validation within the training rows")
    ap.add_argument("--poolings", default="none,idf_mean")
    ap.add_argument("--weights", default="0.5,1,2")
    ap.add_argument("--cs", default="")
    args = ap.parse_args()
    rows = []
    load_before = machine()["load_average"]
    for key in args.sets.split(","):
        cs = [float(c) for c in args.cs.split(",")] if args.cs else [1.0 if key == "Bank" else 4.0]
        rows += run_set(args.work, key, args.sub, args.folds, args.poolings.split(","),
                        [float(w) for w in args.weights.split(",")], cs)
    rows.sort(key=lambda r: (r[0], -r[-2]))
    print(markdown_table(["set", "rows (fit+dev)", "pooling", "weight", "C", "dev accuracy (mean of folds)", "sd over folds"], rows))
    print("load average before/after:", load_before, machine()["load_average"])


if __name__ == "__main__":
    main()

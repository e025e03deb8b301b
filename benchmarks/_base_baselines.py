"""The classical baselines of issue 14, fitted with scikit-learn on the splits eval_base.py
gives the ``xinsheng`` commands (same rows, same run). Parameters are fixed, common
choices, not tuned on the scored rows:

* sentiment: character 1–3-gram TF-IDF (sublinear tf) + LinearSVC (C = 1);
* topic: word 1–2-gram TF-IDF (scikit-learn's tokenizer; English) beside character 2–5-gram
  TF-IDF within word boundaries, + LogisticRegression (C = 10);
* pairs: cosine of character 1–3-gram TF-IDF vectors (fitted on the training half's
  questions); the threshold that maximises accuracy on the training half is applied to
  the held-out half.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def _accuracy(gold: Sequence, pred: Sequence) -> float:
    return round(float(np.mean(np.asarray(gold) == np.asarray(pred))), 4)


def sentiment_baseline(train_x: Sequence[str], train_y: Sequence[str], test_x: Sequence[str],
                       test_y: Sequence[str]) -> float:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
    clf = LinearSVC(C=1.0).fit(vec.fit_transform(train_x), train_y)
    return _accuracy(test_y, clf.predict(vec.transform(test_x)))


def topic_baseline(train_x: Sequence[str], train_y: Sequence[str], test_x: Sequence[str],
                   test_y: Sequence[str]) -> float:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
    x_tr = sparse.hstack([word.fit_transform(train_x), char.fit_transform(train_x)]).tocsr()
    x_te = sparse.hstack([word.transform(test_x), char.transform(test_x)]).tocsr()
    clf = LogisticRegression(C=10.0, max_iter=2000).fit(x_tr, train_y)
    return _accuracy(test_y, clf.predict(x_te))


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The cut (midpoint between neighbouring scores) with the highest accuracy of
    ``score > cut`` → 1; the lowest such cut on ties."""
    order = np.argsort(scores, kind="stable")
    s, y = scores[order], labels[order].astype(int)
    # cut below element i: predicted 0 for s[:i], 1 for s[i:]
    correct = np.concatenate([[0], np.cumsum(1 - y)]) + np.concatenate([np.cumsum(y[::-1])[::-1], [0]])
    valid = np.concatenate([[True], s[1:] > s[:-1], [True]])
    i = int(np.argmax(np.where(valid, correct, -1)))
    if i == 0:
        return float(s[0]) - 1.0
    if i == len(s):
        return float(s[-1])
    return float((s[i - 1] + s[i]) / 2)


def pair_baseline(train: Sequence[tuple[str, str, int]], test: Sequence[tuple[str, str, int]]) -> tuple[float, float]:
    """(held-out accuracy, threshold tuned on ``train``) of char TF-IDF cosine."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    vec.fit([q for a, b, _ in train for q in (a, b)])

    def cosines(rows):
        a = vec.transform([r[0] for r in rows])
        b = vec.transform([r[1] for r in rows])
        return np.asarray(a.multiply(b).sum(axis=1)).ravel()

    cut = best_threshold(cosines(train), np.array([int(r[2]) for r in train]))
    pred = (cosines(test) > cut).astype(int)
    return _accuracy([int(r[2]) for r in test], pred), round(cut, 4)

"""Measuring the matcher: as a judge of question pairs, and as a retriever.

Pair files (``kb eval-pairs``, ``kb train-pairs``): CSV (``.csv``), TSV (``.tsv``) or
NDJSON (``.ndjson``/``.jsonl``) with two question columns and a 0/1 label column
(1 = same intent). Retrieval (``kb eval-retrieval``): a knowledge file in the import
format (``files.py``; every article is indexed whatever its status) and a queries file
with a ``query`` column and a ``ref`` column naming the article that answers it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xinsheng.errors import InputFileError
from xinsheng.knowledge.matching.analyzer import get_analyzer
from xinsheng.knowledge.matching.base_features import base_block
from xinsheng.knowledge.matching.features import IdfTable, feature_matrix, pair_tokens
from xinsheng.knowledge.matching.index import ArticleDoc, KnowledgeIndex
from xinsheng.knowledge.matching.scorer import PairModel, fit_model, predict_with_rules
from xinsheng.knowledge.matching.seed import default_model
from xinsheng.records import read_records

PAIR_SUFFIXES = (".csv", ".tsv", ".ndjson", ".jsonl")


def read_table(path: Path, columns: list[str]) -> list[dict[str, str]]:
    """Rows of a CSV/TSV/NDJSON file (``xinsheng.records``); InputFileError when it or a
    column is missing, or naming the line and the reason when a row cannot be read."""
    rows = []
    for rec in read_records(path, PAIR_SUFFIXES):
        if rec.error is not None:
            raise InputFileError(f"{path}: line {rec.line}: {rec.error}")
        rows.append(rec.data)
    present = set(rows[0]) if rows else set()
    missing = [c for c in columns if c not in present]
    if missing:
        raise InputFileError(f"{path}: no column {missing[0]!r} (columns: {', '.join(sorted(present)) or 'none'})")
    return rows


@dataclass
class Pairs:
    q1: list[str]
    q2: list[str]
    labels: np.ndarray
    skipped: int = 0

    def extended(self, more: list[tuple[str, str, int]]) -> Pairs:
        return Pairs(self.q1 + [a for a, _, _ in more], self.q2 + [b for _, b, _ in more],
                     np.concatenate([self.labels, np.array([y for *_, y in more], dtype=int)]), self.skipped)


def read_pairs(path: Path, q1: str, q2: str, label: str) -> Pairs:
    """Labelled pairs; rows whose label is not 0/1 are skipped (and counted)."""
    out = Pairs([], [], np.zeros(0, dtype=int))
    labels = []
    for row in read_table(path, [q1, q2, label]):
        try:
            y = int(float(str(row[label]).strip()))
        except ValueError:
            y = -1
        if y not in (0, 1):
            out.skipped += 1
            continue
        out.q1.append(str(row[q1] or ""))
        out.q2.append(str(row[q2] or ""))
        labels.append(y)
    out.labels = np.array(labels, dtype=int)
    return out


@dataclass
class Featurised:
    x: np.ndarray
    tokens: list[list[str]]
    base_x: np.ndarray | None = None


def pair_features(*sets: Pairs, base=None) -> list[Featurised]:
    """Feature rows and tokens of each pair set, with idf from all their questions together;
    with a ``base`` (voc.base.Base), also the pairs' base features."""
    analyzer = get_analyzer()
    analyzed = [[(analyzer.analyze(a), analyzer.analyze(b)) for a, b in zip(p.q1, p.q2)] for p in sets]
    idf = IdfTable.from_texts({x.text: x for pairs in analyzed for pair in pairs for x in pair}.values())
    return [Featurised(feature_matrix(pairs, idf), [pair_tokens(a, b) for a, b in pairs],
                       base_block(base, p.q1, p.q2) if base is not None else None)
            for p, pairs in zip(sets, analyzed)]


def _scores(model: PairModel, f: Featurised) -> np.ndarray:
    return predict_with_rules(model, f.x, f.tokens, f.base_x)


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The threshold with the highest accuracy (midpoint between neighbouring scores)."""
    order = np.argsort(scores)
    s, y = scores[order], labels[order]
    # predicting positive for scores >= t: accuracy = negatives below + positives at/above
    neg_below = np.concatenate([[0], np.cumsum(y == 0)])
    pos_above = np.concatenate([[0], np.cumsum((y == 1)[::-1])])[::-1]
    acc = neg_below + pos_above
    i = int(np.argmax(acc))
    if i == 0:
        return float(s[0])
    if i == len(s):
        return float(s[-1]) + 1e-9
    return float((s[i - 1] + s[i]) / 2)


def scores_report(scores: np.ndarray, labels: np.ndarray, threshold: float) -> dict:
    from sklearn.metrics import f1_score, roc_auc_score

    pred = (scores >= threshold).astype(int)
    auc = float(roc_auc_score(labels, scores)) if len(set(labels.tolist())) == 2 else None
    return {"n": int(len(labels)), "accuracy": round(float((pred == labels).mean()) if len(labels) else 0.0, 4),
            "f1": round(float(f1_score(labels, pred, zero_division=0)), 4),
            "threshold": round(float(threshold), 4), "auc": round(auc, 4) if auc is not None else None}


def eval_pairs(data: Pairs, tune: Pairs | None = None, model: PairModel | None = None) -> dict:
    """``{"n", "accuracy", "f1", "threshold", "auc"}`` of the matcher on ``data``."""
    model = model or default_model()
    if tune is None:
        (f,) = pair_features(data, base=model.vectors)
        threshold = model.threshold  # 0.5 (DEFAULT_THRESHOLD) for the shipped model
    else:
        f, ft = pair_features(data, tune, base=model.vectors)
        threshold = best_threshold(_scores(model, ft), tune.labels)
    return scores_report(_scores(model, f), data.labels, threshold)


def with_random_negatives(data: Pairs, share: float = 0.5, seed: int = 7) -> Pairs:
    """The pairs plus questions paired at random (label 0). Labelled pair sets hold hard
    negatives only (similar wording, other intent); a knowledge base is mostly unrelated
    questions, and a model that never saw one may find two of them alike."""
    rng = np.random.default_rng(seed)
    n = len(data.q1)
    k = int(n * share)
    if n < 2 or k == 0:
        return data
    i, j = rng.integers(0, n, k), rng.integers(0, n, k)
    keep = i != j
    q1 = data.q1 + [data.q1[a] for a in i[keep]]
    q2 = data.q2 + [data.q2[b] for b in j[keep]]
    return Pairs(q1, q2, np.concatenate([data.labels, np.zeros(int(keep.sum()), dtype=int)]), data.skipped)


def train_pairs(data: Pairs, tune: Pairs | None = None, degree: int = 2, source: str = "",
                base=None) -> PairModel:
    """A pair model fitted on a bank's labelled pairs; threshold from ``tune`` or ``data``.
    With a ``base`` (``voc learn``), its text vectors add features and ride with the model."""
    if len(set(data.labels.tolist())) < 2:
        raise InputFileError("training pairs need both labels, 0 and 1")
    train = with_random_negatives(data)
    fit, check = pair_features(train, tune or data, base=base)
    model = fit_model(fit.x, train.labels, degree=degree, c=0.3, tokens=fit.tokens, trained_on=source,
                      base_x=fit.base_x)
    model.vectors = base
    model.threshold = best_threshold(_scores(model, check), (tune or data).labels)
    return model


def read_kb(path: Path) -> list[ArticleDoc]:
    """Articles of a knowledge file (``ref`` names them; the line number when absent)."""
    from xinsheng.knowledge.files import parse_article, read_records

    docs = []
    for line, record in read_records(path):
        try:
            a = parse_article(record)
        except ValueError as exc:
            raise InputFileError(f"{path}: line {line}: {exc}") from None
        docs.append(ArticleDoc(id=line, ref=a.ref or str(line), title=a.title, question=a.question,
                               paraphrases=a.paraphrases, body=a.body, category=a.category))
    return docs


def eval_retrieval(docs: list[ArticleDoc], queries: list[tuple[str, str]],
                   progress: Callable[[int], None] | None = None, model: PairModel | None = None) -> dict:
    """``{"n", "top1", "top5", "mrr"}``: MRR over the first 10 articles (0 when not among them)."""
    index = KnowledgeIndex(model=model)
    for d in docs:
        index.upsert(d)
    ranks = []
    for query, ref in queries:
        refs = [m.article.ref for m in index.search(query, k=10)]
        ranks.append(refs.index(ref) + 1 if ref in refs else 0)
        if progress:
            progress(1)
    r = np.array(ranks)
    n = len(r)
    if not n:
        return {"n": 0, "top1": 0.0, "top5": 0.0, "mrr": 0.0}
    return {"n": n, "top1": round(float((r == 1).mean()), 4),
            "top5": round(float(((r >= 1) & (r <= 5)).mean()), 4),
            "mrr": round(float(np.where(r > 0, 1.0 / np.maximum(r, 1), 0.0).mean()), 4)}


def iter_queries(path: Path, query_col: str, ref_col: str) -> Iterator[tuple[str, str]]:
    for row in read_table(path, [query_col, ref_col]):
        yield str(row[query_col] or ""), str(row[ref_col] or "")

"""The pair scorer: probability that two questions ask the same thing (同义问题判断).

A logistic model over :mod:`features`. The default model is trained, at first use and in
milliseconds, on the seed questions shipped with xinsheng (:mod:`seed`). A bank trains
its own on labelled pairs with ``xinsheng kb train-pairs``: degree 2 (products of the
features, so "many shared words but a different number" can be learned) plus a lexical
part, one weight per word or character that the two questions differ in or share
(``d:男`` — a pair differing in 男 is rarely the same question; ``d:怎么`` is harmless).
The model is a JSON file, never a pickle.
"""
from __future__ import annotations

import numpy as np

from xinsheng.knowledge.matching.analyzer import Analyzed, Analyzer, get_analyzer
from xinsheng.knowledge.matching.features import IdfTable, feature_matrix, pair_tokens
from xinsheng.knowledge.matching.model import (  # noqa: F401 (the model's names, where callers import them)
    CLIP, DEFAULT_THRESHOLD, MODEL_FILE, POLARITY_PENALTY, PairModel, calibrate, fit_model, fit_monotone,
    predict_with_rules,
)
from xinsheng.knowledge.matching.seed import default_model


class PairScorer:
    """Scores question pairs with one model and one idf table."""

    def __init__(self, model: PairModel | None = None, analyzer: Analyzer | None = None,
                 idf: IdfTable | None = None) -> None:
        self.model = model if model is not None else default_model()
        self.analyzer = analyzer or get_analyzer()
        self.idf = idf or IdfTable()

    def score_analyzed(self, pairs: list[tuple[Analyzed, Analyzed]]) -> np.ndarray:
        tokens = [pair_tokens(a, b) for a, b in pairs] if self.model.lexical else None
        base_x = None
        if self.model.vectors is not None:  # trained with a base (kb train-pairs --base)
            from xinsheng.knowledge.matching.base_features import base_block

            base_x = base_block(self.model.vectors, [a.text for a, _ in pairs], [b.text for _, b in pairs])
        return predict_with_rules(self.model, feature_matrix(pairs, self.idf), tokens, base_x)

    def score(self, a: str, b: str) -> float:
        """Probability that ``a`` and ``b`` ask the same thing."""
        pair = (self.analyzer.analyze(a), self.analyzer.analyze(b))
        return float(self.score_analyzed([pair])[0])

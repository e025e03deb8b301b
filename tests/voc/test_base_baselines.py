"""The pair baseline's threshold (benchmarks/_base_baselines.py): the cut it picks scores as
well on its own rows as the best cut found by trying every candidate."""
from __future__ import annotations

import random

import numpy as np
import pytest

from benchmarks._base_baselines import best_threshold


def _acc(scores, labels, cut):
    return sum((s > cut) == bool(y) for s, y in zip(scores, labels)) / len(scores)


@pytest.mark.parametrize("seed", range(20))
def test_threshold_is_as_good_as_every_candidate(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 12)
    scores = [round(rng.random(), 1) for _ in range(n)]  # ties on purpose
    labels = [rng.randint(0, 1) for _ in range(n)]
    values = sorted(set(scores))
    candidates = [values[0] - 1] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [values[-1]]
    best = max(_acc(scores, labels, c) for c in candidates)
    assert _acc(scores, labels, best_threshold(np.array(scores), np.array(labels))) == pytest.approx(best)


def test_threshold_by_hand():
    # 0.2 (0), 0.4 (1), 0.6 (0), 0.8 (1): cutting at 0.3 gets 3 of 4, as the cut at 0.7 does; the lower wins
    assert best_threshold(np.array([0.8, 0.2, 0.6, 0.4]), np.array([1, 0, 0, 1])) == pytest.approx(0.3)
    # all positives: everything above the cut
    assert best_threshold(np.array([0.5, 0.7]), np.array([1, 1])) < 0.5

"""Fast weighted choice, equivalent to ``rng.choices(items, weights)[0]`` (same draw, same result)."""
from __future__ import annotations

import random
from bisect import bisect_right
from itertools import accumulate
from typing import Sequence, TypeVar

__all__ = ["wpick", "cpick"]

T = TypeVar("T")
_CUM: dict[tuple, list[float]] = {}


def cpick(rng: random.Random, items: Sequence[T], cum: Sequence[float]) -> T:
    """Pick from ``items`` by cumulative weights ``cum``."""
    return items[bisect_right(cum, rng.random() * cum[-1], 0, len(cum) - 1)]


def wpick(rng: random.Random, items: Sequence[T], weights: tuple) -> T:
    """Pick from ``items`` by relative ``weights`` (a tuple; its running sums are cached)."""
    cum = _CUM.get(weights)
    if cum is None:
        cum = _CUM[weights] = list(accumulate(weights))
    return items[bisect_right(cum, rng.random() * cum[-1], 0, len(cum) - 1)]

"""The funnel by brute force, straight from the contract's words, for small logs only: every
chain of events is enumerated, nothing is clever. Its answers check the engines' SQL."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import numpy as np


def _ms(at: datetime) -> int:
    return round(at.timestamp() * 1000)


def chains(rows: list[tuple[str, int]], codes: list[str], window_ms: int, t_from: int, t_to: int):
    """Every attempt of one customer, as the list of its rows' indexes: it starts at a step-1
    row in [t_from, t_to); each next row is of the next step, strictly later, and at most
    ``window_ms`` after the start."""
    found = []

    def extend(chain: list[int]) -> None:
        found.append(list(chain))
        k = len(chain)
        if k == len(codes):
            return
        start, last = rows[chain[0]][1], rows[chain[-1]][1]
        for i, (code, t) in enumerate(rows):
            if code == codes[k] and last < t <= start + window_ms:
                extend(chain + [i])

    for i, (code, t) in enumerate(rows):
        if code == codes[0] and t_from <= t < t_to:
            extend([i])
    return found


def funnel(events: list[tuple], codes: list[str], window_ms: int, start: datetime, end: datetime) -> dict:
    """``events``: (customer, code, datetime, ...). Customers per step (furthest-step rule) and
    the median and p90 gaps in seconds: for each customer and step k ≥ 2, from the latest row
    of step k−1 in any attempt, strictly before the customer's first row of step k in any
    attempt, to that row."""
    by_customer = defaultdict(list)
    for ev in events:
        by_customer[ev[0]].append((ev[1], _ms(ev[2])))
    t_from, t_to = _ms(start), _ms(end)
    customers = [0] * len(codes)
    gaps = defaultdict(list)
    for rows in by_customer.values():
        found = chains(rows, codes, window_ms, t_from, t_to)
        furthest = max((len(c) for c in found), default=0)
        for k in range(furthest):
            customers[k] += 1
        on_step = defaultdict(set)  # step index -> times of rows in some attempt at that step
        for chain in found:
            for k, i in enumerate(chain):
                on_step[k].add(rows[i][1])
        for k in range(1, furthest):
            first = min(on_step[k])
            before = max(t for t in on_step[k - 1] if t < first)
            gaps[k].append(first - before)

    def q(k: int, p: float):
        return None if not gaps[k] else round(float(np.quantile(gaps[k], p)) / 1000, 1)

    return {"customers": customers, "median_seconds": [q(k, 0.5) if k else None for k in range(len(codes))],
            "p90_seconds": [q(k, 0.9) if k else None for k in range(len(codes))]}

"""The engines' funnel SQL against a brute-force reading of the contract (tests/journeys/
reference.py) on the same logs: hand-built ones first (the reference must give the hand-counted
answers too), then seeded random logs with out-of-order rows, repeated steps, customers who
convert twice, ties on the same second, windows ending exactly on a step and crossing midnight
in Shanghai. DuckDB (over the lake) and, on PostgreSQL, PostgreSQL itself."""
from __future__ import annotations

import random

import pytest

from tests.journeys import reference
from tests.journeys.logs import at, write_log
from tests.journeys.test_funnel import END, LOG, START, engines, request
from xinsheng.journeys.service import funnel


def check(engine, tmp_path, log, steps: str, window: str, window_ms: int) -> dict:
    want = reference.funnel(log, steps.split(","), window_ms, START, END)
    for eng in engines(engine, tmp_path):
        got = funnel(eng, request(steps=steps, window=window))
        assert [s["customers"] for s in got["steps"]] == want["customers"], eng.kind
        assert got["median_seconds"] == want["median_seconds"], eng.kind
        assert got["p90_seconds"] == want["p90_seconds"], eng.kind
    return want


def test_the_reference_gives_the_hand_counted_answers(engine, tmp_path):
    write_log(engine, LOG)
    want = check(engine, tmp_path, LOG, "app:a,app:b,app:c", "1h", 3_600_000)
    assert want["customers"] == [9, 8, 4]  # counted by hand in test_funnel.py
    assert want["median_seconds"] == [None, 105.0, 100.0] and want["p90_seconds"] == [None, 3000.0, 100.0]


def random_log(seed: int, customers: int = 14) -> list[tuple]:
    """Whole seconds (so the engines' millisecond clocks agree), events from 3 h before the
    period to 2 h after it (it ends at midnight in Shanghai), few distinct times so that
    ties and exact window ends happen, inserted in shuffled order."""
    rnd = random.Random(seed)
    codes = ["app:a", "app:b", "app:c", "app:d", "web:a", "phone:call"]
    weights = [5, 4, 4, 3, 1, 1]
    log = []
    for n in range(customers):
        base = rnd.choice([-3 * 3600, 0, 6 * 3600, 86400 - 5400, 86400 - 600])  # from START
        for _ in range(rnd.randint(2, 16)):
            log.append((f"r{n}", rnd.choices(codes, weights)[0], at(START, base + 300 * rnd.randint(0, 18))))
    rnd.shuffle(log)
    return log


@pytest.mark.parametrize("seed", [1, 4, 8])
def test_random_logs_agree_with_the_reference(engine, tmp_path, seed):
    log = random_log(seed)
    write_log(engine, log)
    want = check(engine, tmp_path, log, "app:a,app:b,app:c,app:d", "1h", 3_600_000)
    assert want["customers"][0] > want["customers"][-1] > 0  # seeds where someone finishes and some drop
    check(engine, tmp_path, log, "app:a,app:b,app:a", "30m", 1_800_000)  # a step repeated later on

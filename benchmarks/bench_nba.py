"""Next-best-action latency per customer under load: ``next_best_actions`` (load the customer
and notes, holdings and profile when present, offer history; read the notes; rank the
catalogue) called by ``--threads`` concurrent workers over a sample of customers of a
synthetic bank on SQLite, against a baseline measured in the same run: the plain profile
read the customer page does anyway (``customers.service.get_profile``). p50 / p99 are the
median over ``--runs`` runs.

    python benchmarks/bench_nba.py [--customers 5000] [--sample 1000] [--threads 4] [--runs 3]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from benchmarks._machine import machine, markdown_table  # noqa: E402

NOTES = ["怕坐飞机，只坐高铁", "三高，不宜饮酒", "牙口不好", "周末常去看电影", "爱打高尔夫", "信佛吃素", "只接受上午来电",
         "不怕坐飞机，每月都出差", "有糖尿病", "不喜欢营销短信"]


def _build(url: str, n: int) -> list[str]:
    from xinsheng.customers.models import Customer, CustomerNote
    from xinsheng.db import get_engine, session_scope, utcnow
    from xinsheng.migrate import upgrade
    from xinsheng.nba.models import NbaOutcome

    engine = get_engine(url)
    upgrade(engine)
    rng = random.Random(7)
    refs = [f"B{i:07d}" for i in range(n)]
    with session_scope(engine) as s:
        for ref in refs:
            c = Customer(customer_ref=ref, segment=rng.choice(["mass"] * 6 + ["affluent"] * 3 + ["private"]),
                         birth_year=rng.randint(1940, 2000), risk_level=rng.randint(1, 5))
            c.notes = [CustomerNote(text=t) for t in rng.sample(NOTES, rng.choice([0, 0, 1, 2]))]
            s.add(c)
        s.flush()
        ids = [cid for (cid,) in s.execute(Customer.__table__.select().with_only_columns(Customer.id))]
        for cid in rng.sample(ids, n // 5):
            s.add(NbaOutcome(customer_id=cid, offer_code="deposit_3y", outcome="offered", holdout=False,
                             recorded_at=utcnow() - timedelta(days=rng.randint(0, 60))))
    return refs


def _latencies(url: str, refs: list[str], threads: int, fn) -> list[float]:
    from xinsheng.db import get_engine, session_scope

    engine = get_engine(url)

    def one(ref: str) -> float:
        t = time.perf_counter()
        with session_scope(engine) as s:
            fn(s, ref)
        return time.perf_counter() - t

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, refs))


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--sample", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    if "XINSHENG_PII_KEYS" not in os.environ:
        from cryptography.fernet import Fernet

        os.environ["XINSHENG_PII_KEYS"] = Fernet.generate_key().decode()
    from xinsheng.customers.service import get_profile
    from xinsheng.nba.service import next_best_actions

    url = f"sqlite:///{tempfile.mkdtemp(prefix='bench_nba_')}/x.db"
    refs = _build(url, a.customers)
    rng = random.Random(1)
    results = {"baseline: profile read": [], "next-best-actions": []}
    for _ in range(a.runs):
        sample = rng.sample(refs, a.sample)
        for name, fn in (("baseline: profile read", lambda s, r: get_profile(s, r, None)),
                         ("next-best-actions", lambda s, r: next_best_actions(s, r, limit=5))):
            lat = _latencies(url, sample, a.threads, fn)
            results[name].append((_pct(lat, 0.5), _pct(lat, 0.99), len(lat) / sum(lat) * a.threads))
    rows = [[name, f"{statistics.median(r[0] for r in runs):.1f}", f"{statistics.median(r[1] for r in runs):.1f}",
             f"{statistics.median(r[2] for r in runs):.0f}"] for name, runs in results.items()]
    print(f"customers {a.customers}, sample {a.sample}, {a.threads} concurrent workers, SQLite, median of {a.runs} runs")
    print(markdown_table(["call", "p50 ms", "p99 ms", "calls/s (approx.)"], rows))
    print(machine())


if __name__ == "__main__":
    main()

"""The uplift page's estimates against the demo campaign's planted truth (issue 16): a bank of
``--customers`` synthetic customers (SQLite in a temporary folder), the demo campaign
(demo/nba.py), then uplift per offer; prints estimate, 95 % interval and truth per offer, and
the time the page's computation takes (median of ``--runs``; baseline: reading all customers'
facts alone).

    python benchmarks/eval_nba_uplift.py [--customers 5000] [--runs 3]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._machine import machine, markdown_table  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from xinsheng.db import get_engine, session_scope
    from xinsheng.demo.nba import load_nba_outcomes
    from xinsheng.ingest.service import ingest_records
    from xinsheng.migrate import upgrade
    from xinsheng.nba.service import all_facts
    from xinsheng.nba.uplift import uplift_by_action
    from xinsheng.records import records_from_list

    engine = get_engine(f"sqlite:///{tempfile.mkdtemp()}/nba.db")
    upgrade(engine)
    rng = random.Random(16)
    people = [{"customer_ref": f"D{i}", "name": "演示客户", "segment": rng.choice(["mass", "mass", "affluent", "private"]),
               "birth_year": rng.randint(1945, 2003), "risk_level": rng.randint(1, 5),
               "notes": rng.choice([[], [], [], ["怕坐飞机"], ["三高"], ["爱看电影"], ["牙不好"]])}
              for i in range(args.customers)]
    ingest_records(records_from_list(people), "customers", engine)
    end = datetime(2026, 11, 30, tzinfo=timezone.utc)
    truth = load_nba_outcomes(engine, end, seed=42)["truth"]
    times, base = [], []
    for _ in range(args.runs):
        with session_scope(engine) as s:
            t0 = time.perf_counter()
            all_facts(s, end)
            base.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            rows = uplift_by_action(s, end)
            times.append(time.perf_counter() - t0)
    out = []
    for r in rows:
        u, t = r["uplift"], truth.get(r["code"], {})
        inside = u["low"] <= t.get("true_uplift", 0) <= u["high"] if u["low"] is not None else None
        out.append([r["code"], f"{r['treated']['customers']} / {r['holdout']['customers']}", r["treated"]["offered"],
                    f"{r['treated']['accepted']} / {r['holdout']['accepted']}",
                    f"{100 * r['treated']['acceptance']:.1f}%", f"{100 * r['holdout']['acceptance']:.1f}%",
                    f"{100 * u['difference']:+.1f}", f"[{100 * u['low']:+.1f}, {100 * u['high']:+.1f}]",
                    f"{100 * t.get('true_uplift', 0):+.1f}", "yes" if inside else "no"])
    print(markdown_table(["offer", "target (treated / hold-out)", "offered", "accepted (t / h)", "acc. treated",
                          "acc. hold-out", "uplift pts", "95 % interval", "planted truth pts", "truth inside"], out))
    print(f"uplift_by_action: median {statistics.median(times):.2f} s; baseline all_facts alone: "
          f"{statistics.median(base):.2f} s ({args.customers} customers, {args.runs} runs)")
    print(machine())


if __name__ == "__main__":
    main()

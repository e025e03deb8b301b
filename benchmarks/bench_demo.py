"""Time to write the default demo bank (generation, then load with masking and analysis).

    python benchmarks/bench_demo.py [--customers 5000] [--days 90] [--runs 3] [--json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks._machine import machine, markdown_table  # noqa: E402
from xinsheng.db import create_db_engine  # noqa: E402
from xinsheng.demo.generator import generate_bank  # noqa: E402
from xinsheng.demo.load import load_bank  # noqa: E402
from xinsheng.migrate import upgrade  # noqa: E402


def one_run(customers: int, days: int, folder: str, run: int) -> tuple[float, float, int]:
    started = time.perf_counter()
    bank = generate_bank(customers=customers, days=days, seed=42)
    generated = time.perf_counter()
    engine = create_db_engine(f"sqlite:///{folder}/demo-{run}.db")
    upgrade(engine)
    report = load_bank(bank, engine)
    engine.dispose()
    return generated - started, time.perf_counter() - generated, report["interactions"]["accepted"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        runs = [one_run(args.customers, args.days, folder, i) for i in range(args.runs)]
    gen = statistics.median(r[0] for r in runs)
    load = statistics.median(r[1] for r in runs)
    result = {"customers": args.customers, "days": args.days, "interactions": runs[0][2],
              "generate_s": round(gen, 1), "load_s": round(load, 1), "total_s": round(gen + load, 1),
              "machine": machine()}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"Demo bank into SQLite, median of {args.runs} runs")
    print(markdown_table(["customers × days", "interactions", "generate s", "load s (mask + analyse)", "total s"],
                         [[f"{args.customers:,} × {args.days}", f"{runs[0][2]:,}", result["generate_s"],
                           result["load_s"], result["total_s"]]]))
    print(f"\nmachine: {result['machine']}")


if __name__ == "__main__":
    main()

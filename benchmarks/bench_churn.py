"""The churn model on a stored bank: AUC, Brier score and calibration error against the
holdings-trend-only baseline (both fitted and tested in the same run, on the same time
split), and the time and peak memory of the examples' pass at several batch sizes.

Each batch size runs ``--runs`` times in a fresh process (peak memory is the process's
``ru_maxrss``); the figures of the model do not depend on the batch size (the same rows in
the same order), so the table prints them once. The largest batch size is the bank read
whole, as ``profiles churn`` did before it read batches: the memory baseline.

A bank with a 90-day horizon needs 194 days of holdings: the demo bank with ``--days 270``:

    XINSHENG_DATABASE_URL=sqlite:////tmp/churn.db XINSHENG_MODE=demo \\
        xinsheng demo --customers 3000 --days 270
    python benchmarks/bench_churn.py --db sqlite:////tmp/churn.db [--horizon 90] [--runs 3] [--json]

The machine is shared: read the load average printed with the table.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks._machine import machine, markdown_table  # noqa: E402

WHOLE = 10**9


def one(horizon: int, batch: int) -> dict:
    """The examples' pass and the report (model and baseline), in this process."""
    from sqlalchemy import func, select

    from xinsheng.db import session_scope
    from xinsheng.migrate import ready_engine
    from xinsheng.profiles.churn import _report, _zone, collect, cutoffs
    from xinsheng.profiles.churn_data import iter_histories
    from xinsheng.profiles.models import Holding

    engine = ready_engine()
    started = time.perf_counter()
    with session_scope(engine) as session:
        first, last = session.execute(select(func.min(Holding.as_of), func.max(Holding.as_of))).one()
        train_cut, test_cut = cutoffs(last, first, horizon)
        train, test = collect(iter_histories(session, batch), train_cut, test_cut, horizon, _zone())
    report = _report(train, test, train_cut, test_cut, horizon)
    report["seconds"] = time.perf_counter() - started
    report["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="SQLAlchemy URL of a loaded bank")
    ap.add_argument("--horizon", type=int, default=90)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--batches", default=f"500,2000,{WHOLE}")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    os.environ["XINSHENG_DATABASE_URL"] = args.db
    if args.one:
        print(json.dumps(one(args.horizon, args.one)))
        return
    results: dict[int, list[dict]] = {}
    for _ in range(args.runs):
        for batch in (int(b) for b in args.batches.split(",")):
            out = subprocess.run([sys.executable, __file__, "--db", args.db, "--horizon", str(args.horizon),
                                  "--one", str(batch)], capture_output=True, text=True, check=True)
            results.setdefault(batch, []).append(json.loads(out.stdout.strip().splitlines()[-1]))
    first = next(iter(results.values()))[0]
    doc = {"machine": machine(), "split": {k: first[k] for k in ("horizon_days", "train", "test")},
           "model": first["model"], "baseline": first["baseline"],
           "passes": [{"batch": "whole" if b == WHOLE else b, "seconds": statistics.median(r["seconds"] for r in rs),
                       "peak_mib": statistics.median(r["peak_mib"] for r in rs)} for b, rs in results.items()]}
    if args.json:
        print(json.dumps(doc, ensure_ascii=False))
        return
    print(markdown_table(["", "AUC", "Brier", "calibration error", "mean score"],
                         [[name, doc[key]["auc"], doc[key]["brier"], doc[key]["ece"], doc[key]["mean_score"]]
                          for name, key in (("model (holdings trend + experience)", "model"),
                                            ("baseline (holdings trend only)", "baseline"))]))
    print(f"\nsplit: {json.dumps(doc['split'])}\n")
    print(markdown_table(["customers per batch", "examples' pass (median s)", "peak memory (MiB)"],
                         [[p["batch"], f"{p['seconds']:.1f}", f"{p['peak_mib']:.0f}"] for p in doc["passes"]]))
    print(f"\nmachine: {json.dumps(doc['machine'])}; {args.runs} runs per batch size")


if __name__ == "__main__":
    main()

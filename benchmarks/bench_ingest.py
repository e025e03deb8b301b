"""Bulk ingest speed: interactions/s into SQLite and PostgreSQL, one factor at a time.

Every configuration stores the same records (``--records``, 40 % with Chinese text) into a
fresh schema, median of ``--runs``; only one factor changes between the two sides of a
comparison:

* batching: batched (multi-row INSERT on SQLite; COPY + INSERT … SELECT on PostgreSQL)
  against validate, mask and INSERT one record per transaction, both in one process,
  analysis off;
* workers: 1 against ``--workers`` processes preparing batches, analysis off, then on;
* analysis: the VOC analysis and daily topic counts on ingest off against on (the
  default), with 1 worker, then with ``--workers``.

PostgreSQL is a throwaway server started by the test support code (fsync off, on this
machine's loopback), so figures are CPU-bound, not disk-bound.

    python benchmarks/bench_ingest.py [--records 20000] [--runs 3] [--baseline-runs 1] [--workers N] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks._machine import machine, markdown_table  # noqa: E402
from sqlalchemy import text  # noqa: E402
from xinsheng.config import get_settings  # noqa: E402
from xinsheng.db import create_db_engine, session_scope  # noqa: E402
from xinsheng.ingest.readers import open_input, read_ndjson  # noqa: E402
from xinsheng.ingest.service import ingest_records  # noqa: E402
from xinsheng.ingest.schemas import InteractionIn  # noqa: E402
from xinsheng.ingest.prepare import interaction_row  # noqa: E402
from xinsheng.interactions.models import Interaction  # noqa: E402
from xinsheng.migrate import upgrade  # noqa: E402

CHANNELS = ["ivr", "phone", "app", "web", "wechat", "chat", "email", "sms", "branch", "social"]
TEXTS = ["手机银行登录不上，提示密码错误，我的手机号是13812345678", "转账限额太低了，想调高一点",
         "理财赎回三天了还没到账，客服电话一直打不通，非常不满意", "信用卡被冻结了，卡号6222020200112233445",
         "谢谢客服小王，问题解决了", "我叫李建华，身份证110101199003074514，挂失借记卡"]


def make_records(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    t0 = datetime(2026, 9, 1, tzinfo=timezone(timedelta(hours=8)))
    out = []
    for i in range(n):
        at = t0 + timedelta(seconds=i * 7)
        out.append({
            "external_id": f"b-{i}", "source": "bench", "customer_ref": f"C{rng.randrange(20000):06d}",
            "channel": rng.choice(CHANNELS), "started_at": at.isoformat(),
            "ended_at": (at + timedelta(seconds=rng.randrange(600))).isoformat(),
            "event": "menu_selected", "outcome": "resolved",
            "text": rng.choice(TEXTS) if rng.random() < 0.4 else None,
            "attributes": {"wait_seconds": rng.randrange(120)},
        })
    return out


def reset(engine) -> None:
    """A fresh, empty schema for every run, as a new deployment has."""
    engine.dispose()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:  # every table, also those a migration keeps outside the models
            conn.execute(text("PRAGMA foreign_keys = OFF"))
            names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "AND name NOT LIKE 'sqlite_%'")).scalars().all()
            for name in names:
                conn.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
    engine.dispose()
    upgrade(engine)


def set_analysis(on: bool) -> None:
    os.environ["XINSHENG_ANALYZE_ON_INGEST"] = "true" if on else "false"
    get_settings.cache_clear()


def batched(engine, path: Path, n: int, workers: int, analysis: bool) -> float:
    """The product's path (``ingest_file`` without its file-size rule for workers)."""
    set_analysis(analysis)
    reset(engine)
    started = time.perf_counter()
    with open_input(path) as stream:
        report = ingest_records(read_ndjson(stream), "interactions", engine, workers=workers)
    elapsed = time.perf_counter() - started
    assert report.accepted == n, report.to_dict()
    return n / elapsed


def row_at_a_time(engine, records: list[dict]) -> float:
    """The naive way: validate, mask and INSERT one record per transaction (analysis off)."""
    from xinsheng.customers.actions import resolve_customer_ids

    reset(engine)
    started = time.perf_counter()
    for rec in records:
        row = interaction_row(InteractionIn.model_validate(rec))
        with session_scope(engine) as s:
            ref = row.pop("_customer_ref")
            row["customer_id"] = resolve_customer_ids(s, {ref})[ref]
            s.add(Interaction(**row))
    return len(records) / (time.perf_counter() - started)


def configurations(workers: int, row_baseline: bool = True) -> list[tuple[str, dict]]:
    """(name, batched() options or None for the row-at-a-time baseline)."""
    return [("row at a time, 1 process, analysis off", None)] * row_baseline + [
            ("batched, 1 process, analysis off", {"workers": 1, "analysis": False}),
            (f"batched, {workers} workers, analysis off", {"workers": workers, "analysis": False}),
            ("batched, 1 process, analysis on", {"workers": 1, "analysis": True}),
            (f"batched, {workers} workers, analysis on (the default)", {"workers": workers, "analysis": True})]


def measure(name: str, engine, path: Path, records: list[dict], runs: int, workers: int,
            baseline_runs: int) -> dict:
    """``baseline_runs`` 0: without the row-at-a-time baseline (and the batching factor)."""
    upgrade(engine)
    rates = {}
    for label, opts in configurations(workers, baseline_runs > 0):
        if opts is None:
            rates[label] = statistics.median(row_at_a_time(engine, records) for _ in range(baseline_runs))
        else:
            rates[label] = statistics.median(batched(engine, path, len(records), **opts) for _ in range(runs))
        print(f"  {name}: {label}: {rates[label]:,.0f}/s", file=sys.stderr)
    r = list(rates.values()) if baseline_runs else [None, *rates.values()]
    factors = {
        "batching (row at a time → batched; 1 process, analysis off)": r[1] / r[0] if r[0] else None,
        f"workers (1 → {workers}; analysis off)": r[2] / r[1],
        f"workers (1 → {workers}; analysis on)": r[4] / r[3],
        "analysis on ÷ off (1 process)": r[3] / r[1],
        f"analysis on ÷ off ({workers} workers)": r[4] / r[2],
    }
    return {"backend": name, "records": len(records), "per_s": {k: round(v) for k, v in rates.items()},
            "factors": {k: round(v, 2) for k, v in factors.items() if v is not None},
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None, help="default: XINSHENG_INGEST_WORKERS")
    ap.add_argument("--baseline-runs", type=int, default=1,
                    help="runs of the (slow) row-at-a-time baseline; 0 leaves it out")
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    workers = args.workers or get_settings().ingest_workers
    records = make_records(args.records)
    results = []
    analysis_before = os.environ.get("XINSHENG_ANALYZE_ON_INGEST")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        path = Path(tmp) / "interactions.ndjson"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        sqlite = create_db_engine(f"sqlite:///{tmp}/bench.db")
        results.append(measure("SQLite (WAL)", sqlite, path, records, args.runs, workers, args.baseline_runs))
        if not args.skip_postgres:
            from tests.support.pgserver import PostgresUnavailable, throwaway_postgres

            try:
                url = stack.enter_context(throwaway_postgres())
            except PostgresUnavailable as exc:
                print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
            else:
                pg = create_db_engine(url)
                results.append(measure("PostgreSQL", pg, path, records, args.runs, workers, args.baseline_runs))
                pg.dispose()
    if analysis_before is None:
        os.environ.pop("XINSHENG_ANALYZE_ON_INGEST", None)
    info = machine()
    if args.json:
        print(json.dumps({"machine": info, "results": results}, ensure_ascii=False))
        return
    print(f"Bulk ingest, {args.records:,} interactions (40% with Chinese text) in every configuration, "
          f"median of {args.runs} runs (row at a time: {args.baseline_runs})\n")
    names = list(results[0]["per_s"])
    print(markdown_table(["configuration"] + [r["backend"] + ", interactions/s" for r in results],
                         [[n] + [f"{r['per_s'][n]:,}" for r in results] for n in names]))
    print()
    names = list(results[0]["factors"])
    print(markdown_table(["one factor changed"] + [r["backend"] for r in results],
                         [[n] + [f"×{r['factors'][n]}" for r in results] for n in names]))
    print(f"\npeak RSS MiB: {[r['peak_rss_mib'] for r in results]}; machine: {info}")


if __name__ == "__main__":
    main()

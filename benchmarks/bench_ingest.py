"""Bulk ingest speed: interactions/s into SQLite and PostgreSQL, validation and masking included.

Compares xinsheng's batched path (multi-row INSERT on SQLite, COPY + INSERT ... SELECT
on PostgreSQL) with a row-at-a-time baseline in the same run, on the same records.
PostgreSQL is a throwaway server started by the test support code (fsync off, on this
machine's loopback), so figures are CPU-bound, not disk-bound.

    python benchmarks/bench_ingest.py [--records 100000] [--runs 3] [--json]
"""
from __future__ import annotations

import argparse
import json
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
from xinsheng.db import Base, create_db_engine, session_scope  # noqa: E402
from xinsheng.ingest.files import ingest_file  # noqa: E402
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
        else:
            for name in [t.name for t in reversed(Base.metadata.sorted_tables)] + ["alembic_version"]:
                conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
    engine.dispose()
    upgrade(engine)


def batched(engine, path: Path, n: int) -> float:
    reset(engine)
    started = time.perf_counter()
    report = ingest_file(path, "interactions", engine)
    elapsed = time.perf_counter() - started
    assert report.accepted == n, report.to_dict()
    return n / elapsed


def row_at_a_time(engine, records: list[dict]) -> float:
    """The naive way: validate, mask and INSERT one record per transaction."""
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


def measure(name: str, engine, path: Path, records: list[dict], runs: int, baseline_n: int) -> dict:
    upgrade(engine)
    fast = [batched(engine, path, len(records)) for _ in range(runs)]
    slow = [row_at_a_time(engine, records[:baseline_n]) for _ in range(max(1, runs // 2))]
    result = {"backend": name, "records": len(records), "batched_per_s": round(statistics.median(fast)),
              "row_at_a_time_per_s": round(statistics.median(slow)),
              "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    result["speed_up"] = round(result["batched_per_s"] / result["row_at_a_time_per_s"], 1)
    print(f"  {name}: {result}", file=sys.stderr)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline-records", type=int, default=3000)
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    records = make_records(args.records)
    results = []
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        path = Path(tmp) / "interactions.ndjson"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        sqlite = create_db_engine(f"sqlite:///{tmp}/bench.db")
        results.append(measure("SQLite (WAL)", sqlite, path, records, args.runs, args.baseline_records))
        if not args.skip_postgres:
            from tests.support.pgserver import PostgresUnavailable, throwaway_postgres

            try:
                url = stack.enter_context(throwaway_postgres())
            except PostgresUnavailable as exc:
                print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
            else:
                pg = create_db_engine(url)
                results.append(measure("PostgreSQL", pg, path, records, args.runs, args.baseline_records))
                pg.dispose()
    info = machine()
    if args.json:
        print(json.dumps({"machine": info, "results": results}, ensure_ascii=False))
        return
    print(f"Bulk ingest, {args.records:,} interactions (40% with Chinese text), median of {args.runs} runs")
    print(markdown_table(
        ["backend", "batched interactions/s", "row-at-a-time interactions/s", "speed-up", "peak RSS MiB"],
        [[r["backend"], f"{r['batched_per_s']:,}", f"{r['row_at_a_time_per_s']:,}", f"{r['speed_up']}×",
          r["peak_rss_mib"]] for r in results]))
    print(f"\nmachine: {info}")


if __name__ == "__main__":
    main()

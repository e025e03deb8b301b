"""What the keyed audit chain costs: appends per second and a full verification, on SQLite
and a throwaway PostgreSQL, against a baseline in the same run (the former unkeyed append:
SHA-256, chained to the last entry, no head record), median of several runs.

    python benchmarks/bench_audit.py [--entries 500] [--runs 3]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("XINSHENG_AUDIT_KEY", __import__("secrets").token_urlsafe(32))
os.environ.setdefault("XINSHENG_HOME", tempfile.mkdtemp(prefix="xinsheng-bench-audit-"))

from sqlalchemy import insert, select, text  # noqa: E402

from benchmarks._machine import machine, markdown_table  # noqa: E402
from xinsheng.audit.actions import GENESIS, append, canonical  # noqa: E402
from xinsheng.audit.models import AuditEntry  # noqa: E402
from xinsheng.audit.service import verify_chain  # noqa: E402
from xinsheng.db import get_engine, session_scope, utcnow  # noqa: E402
from xinsheng.migrate import upgrade  # noqa: E402
from tests.conftest import empty_tables  # noqa: E402


def _unkeyed_append(engine, n: int) -> None:
    """The baseline: what an append did before the keyed chain (one transaction each, the
    same PostgreSQL advisory lock, JSON round trip of the detail)."""
    fields = {"actor": f"user{n}", "actor_role": "agent", "action": "customer.read", "target_type": "customer",
              "target_ref": f"C{n}", "reason": None, "ip": "10.0.0.1",
              "detail": json.loads(json.dumps({"masked": False}))}
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": 0x78696E7368656E67})
        last = conn.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        row = {**fields, "seq": seq, "at": utcnow(), "prev_hash": prev}
        row["hash"] = hashlib.sha256(canonical(row, prev).encode()).hexdigest()
        conn.execute(insert(AuditEntry), row)


def _keyed_append(engine, n: int) -> None:
    append(engine, actor=f"user{n}", actor_role="agent", action="customer.read", target_type="customer",
           target_ref=f"C{n}", ip="10.0.0.1", detail={"masked": False})


def _run(engine, how, entries: int) -> float:
    empty_tables(engine)
    start = time.perf_counter()
    for n in range(entries):
        how(engine, n)
    return entries / (time.perf_counter() - start)


def _verify_seconds(engine) -> float:
    start = time.perf_counter()
    with session_scope(engine) as s:
        assert verify_chain(s).ok
    return time.perf_counter() - start


def _measure(url: str, entries: int, runs: int) -> list[list]:
    engine = get_engine(url)
    upgrade(engine)
    base = statistics.median(_run(engine, _unkeyed_append, entries) for _ in range(runs))
    keyed, verify = [], []
    for _ in range(runs):
        keyed.append(_run(engine, _keyed_append, entries))
        verify.append(_verify_seconds(engine))
    empty_tables(engine)
    k = statistics.median(keyed)
    return [[engine.dialect.name, entries, f"{base:,.0f}", f"{k:,.0f}", f"{k / base:.2f}",
             f"{statistics.median(verify) * 1000:,.0f} ms"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from tests.support.pgserver import PostgresUnavailable, throwaway_postgres

    rows = _measure(f"sqlite:///{tempfile.mkdtemp(prefix='xinsheng-bench-audit-')}/a.db", args.entries, args.runs)
    try:
        with throwaway_postgres() as url:
            rows += _measure(url, args.entries, args.runs)
    except PostgresUnavailable as exc:
        print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
    print(markdown_table(["backend", "entries", "unkeyed appends/s (baseline)", "keyed appends/s",
                          "ratio", f"verify {args.entries} keyed"], rows))
    print(f"\nmedian of {args.runs} runs; machine: {machine()}")


if __name__ == "__main__":
    main()

"""Outbox delivery (通知发送): deliveries/s to a local webhook receiver, with 0 % and 20 % failing.

Each run enqueues ``--n`` notifications (the weekly limit and quiet hours switched off), then
one worker (``run_outbox_once``: claim a batch, send through the signed webhook adapter,
``XINSHENG_NOTIFY_CONCURRENCY`` at a time, mark each) delivers them to a receiver in its own
process on 127.0.0.1 that checks every HMAC signature. With 20 % failing, the receiver
answers 500 to a fixed fifth of the keys on their first arrival: the first round sends 80 %
and schedules the rest for retry, and a second round (at the retry time) delivers them. The
baseline, in the same run, is the same number of signed POSTs straight to the receiver with
the same concurrency and no database. Median of ``--runs``; PostgreSQL is a throwaway server
(tests/support/pgserver.py, fsync off, loopback).

    python benchmarks/bench_outbox.py [--n 2000] [--runs 3] [--backend sqlite|postgresql|both] [--json]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
SECRET = "bench-secret"
os.environ.update({
    "XINSHENG_NOTIFY_WEEKLY_LIMIT": "0", "XINSHENG_NOTIFY_QUIET_HOURS": "",
    "XINSHENG_NOTIFY_DEFAULT_ADAPTER": "webhook", "XINSHENG_NOTIFY_WEBHOOK_SECRET": SECRET,
    "XINSHENG_HOME": tempfile.mkdtemp(prefix="xinsheng-bench-outbox-"),
})
if not os.environ.get("XINSHENG_PII_KEYS"):
    os.environ.setdefault("XINSHENG_MODE", "demo")

from benchmarks._machine import machine, markdown_table  # noqa: E402
from xinsheng.config import get_settings  # noqa: E402

T = datetime(2026, 10, 5, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def failing(key: str, share: float) -> bool:
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % 1000 < share * 1000


def _serve(conn, share: float) -> None:
    """The receiver process: answers, counts, and reports on request."""
    from tests.notify.receiver import Receiver

    r = Receiver(SECRET, behaviour=lambda key, n: 500 if n == 1 and failing(key, share) else 200)
    with r:
        conn.send(r.url)
        while (cmd := conn.recv()) != "stop":
            keys = r.keys()
            conn.send({"requests": sum(keys.values()), "distinct": len(keys),
                       "bad_signatures": sum(not x.signature_ok for x in r.received)})
            if cmd == "reset":
                with r.lock:
                    r.received.clear()


class ReceiverProcess:
    def __init__(self, share: float) -> None:
        self.conn, child = mp.Pipe()
        self.proc = mp.get_context("fork").Process(target=_serve, args=(child, share), daemon=True)
        self.proc.start()
        self.url = self.conn.recv()

    def stats(self, reset: bool = False) -> dict:
        self.conn.send("reset" if reset else "stats")
        return self.conn.recv()

    def stop(self) -> None:
        self.conn.send("stop")
        self.proc.join(10)


def _fill(engine, n: int, run: int) -> None:
    from xinsheng.customers.actions import bulk_upsert_customers
    from xinsheng.customers.models import Customer
    from xinsheng.db import session_scope
    from xinsheng.notify.actions import do_enqueue
    from sqlalchemy import select

    refs = [f"B{run}-{i:05d}" for i in range(max(1, n // 4))]
    with session_scope(engine) as session:
        bulk_upsert_customers(session, [{"customer_ref": r, "preferred_channel": "app"} for r in refs])
    with session_scope(engine) as session:
        ids = list(session.scalars(select(Customer.id).where(Customer.customer_ref.in_(refs))))
        for i in range(n):
            do_enqueue(session, customer_id=ids[i % len(ids)], purpose="case_accepted",
                       key=f"case:R{run}-{i}:accepted:1", now=T,
                       context={"case_ref": f"R{run}-{i}", "kind": "complaint", "due_date": T + timedelta(days=15)})


def _baseline(url: str, n: int, run: int) -> float:
    from xinsheng.notify.adapters import OutboundMessage
    from xinsheng.notify.adapters.webhook import WebhookAdapter

    adapter = WebhookAdapter()
    msgs = [OutboundMessage(f"base:{run}:{i}", "C1", "app", "case_accepted", "zh", "您的投诉已受理。") for i in range(n)]
    start = time.perf_counter()
    with ThreadPoolExecutor(get_settings().notify_concurrency) as pool:
        list(pool.map(lambda m: _try(adapter, m), msgs))
    return time.perf_counter() - start


def _try(adapter, m) -> None:
    try:
        adapter.send(m)
    except Exception:  # noqa: BLE001 - the failing share answers 500: timed all the same
        pass


def bench_backend(url: str, n: int, runs: int, share: float) -> dict:
    from xinsheng.db import create_db_engine
    from xinsheng.migrate import upgrade
    from xinsheng.notify.delivery import run_outbox_once

    rec = ReceiverProcess(share)
    os.environ["XINSHENG_NOTIFY_WEBHOOK_URL"] = rec.url
    get_settings.cache_clear()
    engine = create_db_engine(url)
    upgrade(engine)
    first, retry, base, checks = [], [], [], []
    try:
        for run in range(runs):
            _fill(engine, n, f"{share}-{run}")
            rec.stats(reset=True)
            t0 = time.perf_counter()
            r1 = run_outbox_once(engine, T, worker_id="bench", batch=100)
            t1 = time.perf_counter()
            r2 = run_outbox_once(engine, T + timedelta(hours=1), worker_id="bench", batch=100)
            t2 = time.perf_counter()
            got = rec.stats(reset=True)
            first.append((t1 - t0, r1))
            retry.append(t2 - t1)
            checks.append((r1.sent + r2.sent == n, got["distinct"] == n, got["bad_signatures"] == 0,
                           r2.claimed == r1.retried))
            base.append(_baseline(rec.url, n, run))
            rec.stats(reset=True)
    finally:
        rec.stop()
        engine.dispose()
    secs = statistics.median(t for t, _ in first)
    r1 = first[0][1]
    return {"first_round_s": round(secs, 3), "attempts_per_s": round(n / secs),
            "sent_first_round": r1.sent, "retried": r1.retried,
            "retry_round_s": round(statistics.median(retry), 3),
            "delivered_per_s": round(n / (secs + statistics.median(retry))),
            "baseline_posts_per_s": round(n / statistics.median(base)),
            "all_delivered_once": all(all(c) for c in checks)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = []
    with ExitStack() as stack:
        urls = {}
        if args.backend in ("sqlite", "both"):
            urls["sqlite"] = f"sqlite:///{tempfile.mkdtemp(prefix='xinsheng-bench-')}/outbox.db"
        if args.backend in ("postgresql", "both"):
            from tests.support.pgserver import throwaway_postgres

            urls["postgresql"] = stack.enter_context(throwaway_postgres())
        for backend, url in urls.items():
            for share in (0.0, 0.2):
                results.append({"backend": backend, "failing": f"{share:.0%}", "n": args.n,
                                **bench_backend(url, args.n, args.runs, share)})
    info = {**machine(), "concurrency": get_settings().notify_concurrency, "runs": args.runs}
    if args.json:
        print(json.dumps({"machine": info, "results": results}, indent=2))
        return
    print(f"machine: {info}")
    headers = ["backend", "failing", "notifications", "1st round s", "attempts/s", "sent 1st", "retried",
               "retry round s", "delivered/s (both rounds)", "baseline POSTs/s (no DB)", "all once"]
    print(markdown_table(headers, [[r["backend"], r["failing"], r["n"], r["first_round_s"], r["attempts_per_s"],
                                    r["sent_first_round"], r["retried"], r["retry_round_s"], r["delivered_per_s"],
                                    r["baseline_posts_per_s"], r["all_delivered_once"]] for r in results]))


if __name__ == "__main__":
    main()

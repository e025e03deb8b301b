"""Living profiles: the ingest cost of keeping them, and the full refresh of a bank.

1. **Incremental cost** — the same number of contacts (app events, calls; no VOC analysis)
   ingested with the profiles hook off and on, alternating, ``--runs`` times each, into one
   SQLite database of ``--customers`` customers: median contacts per second, the extra
   microseconds per contact (baseline: the hook off, same run) and the hook's own time per
   contact, wall and CPU of the writer thread (``thread_time``: what the hook costs whatever
   else the shared machine runs).
2. **Full refresh** — ``xinsheng profiles rebuild`` (set-wise, in ranges of customer ids) over
   a bank of ``--refresh-customers`` customers and ``--refresh-contacts`` contacts, filled
   inside SQLite by set-wise statements (``_profiles_fill.py``, not through ingest) with
   analyses, holdings, survey answers and complaint cases; each rebuild runs in a child process
   so its peak memory (``ru_maxrss``) is its own; median of ``--refresh-runs``. Baseline in the
   same run: the previous method (every contact read back and folded one customer at a time
   in Python) on a bank of ``--baseline-customers``. ``--refresh-db PATH`` reuses (or keeps)
   a filled database, for the 1-million-customer bank that takes long to fill.

The machine is shared: read the load average printed with the table.

    python benchmarks/bench_profiles.py [--customers 2000] [--contacts 10000] [--runs 3]
        [--refresh-customers 20000] [--refresh-contacts 1000000] [--refresh-runs 3] [--refresh-db PATH] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
if not os.environ.get("XINSHENG_PII_KEYS"):
    from cryptography.fernet import Fernet

    os.environ["XINSHENG_PII_KEYS"] = Fernet.generate_key().decode("ascii")
os.environ.setdefault("XINSHENG_AUDIT_KEY", __import__("secrets").token_urlsafe(32))
os.environ.setdefault("XINSHENG_HOME", tempfile.mkdtemp(prefix="xinsheng-bench-home-"))
os.environ["XINSHENG_ANALYZE_ON_INGEST"] = "false"

from benchmarks._machine import machine, markdown_table  # noqa: E402
from xinsheng.db import create_db_engine  # noqa: E402
from xinsheng.migrate import upgrade  # noqa: E402

CN = timezone(timedelta(hours=8))
EVENTS = (("app", "login_success"), ("app", "login_failed"), ("app", "transfer_submitted"), ("phone", None),
          ("wechat", None))
NOW = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)


def contacts(rng: random.Random, customers: int, n: int, tag: str) -> list[dict]:
    start = datetime(2026, 9, 1, tzinfo=CN)
    out = []
    for i in range(n):
        channel, event = rng.choice(EVENTS)
        out.append({"external_id": f"{tag}-{i}", "source": "bench", "customer_ref": f"C{rng.randint(1, customers):07d}",
                    "channel": channel, "event": event,
                    "started_at": (start + timedelta(seconds=rng.randint(0, 80 * 86400))).isoformat()})
    return out


def ingest_rate(engine, items: list[dict]) -> float:
    from xinsheng.ingest.service import ingest_records
    from xinsheng.records import records_from_list

    t = time.perf_counter()
    report = ingest_records(records_from_list(items), "interactions", engine)
    assert report.accepted == len(items), report.to_dict()
    return len(items) / (time.perf_counter() - t)


def incremental(args) -> dict:
    from xinsheng.customers.actions import bulk_upsert_customers
    from xinsheng.db import session_scope
    from xinsheng.ingest.service import register_batch_hook, unregister_batch_hook
    from xinsheng.profiles import store

    spent = {"wall": 0.0, "cpu": 0.0, "contacts": 0}

    def timed(session, batch):  # the hook, timed in the writer thread that runs it
        w, c = time.perf_counter(), time.thread_time()
        store.on_ingested(session, batch)
        spent["wall"] += time.perf_counter() - w
        spent["cpu"] += time.thread_time() - c
        spent["contacts"] += len(batch)

    engine = create_db_engine(f"sqlite:///{Path(tempfile.mkdtemp(prefix='xinsheng-bench-profiles-')) / 'x.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        bulk_upsert_customers(s, [{"customer_ref": f"C{i:07d}", "birth_year": 1950 + i % 50, "risk_level": 1 + i % 5}
                                  for i in range(1, args.customers + 1)])
    rng = random.Random(7)
    rates: dict[str, list[float]] = {"off": [], "on": []}
    hook_wall, hook_cpu = [], []
    for run in range(args.runs):
        for mode in ("off", "on"):
            unregister_batch_hook(store.HOOK)
            if mode == "on":
                register_batch_hook(store.HOOK, timed)
                spent.update(wall=0.0, cpu=0.0, contacts=0)
            rates[mode].append(ingest_rate(engine, contacts(rng, args.customers, args.contacts, f"{mode}{run}")))
            if mode == "on":
                hook_wall.append(spent["wall"] / spent["contacts"] * 1e6)
                hook_cpu.append(spent["cpu"] / spent["contacts"] * 1e6)
    unregister_batch_hook(store.HOOK)
    return {"off_per_s": statistics.median(rates["off"]), "on_per_s": statistics.median(rates["on"]),
            "hook_wall_us": statistics.median(hook_wall), "hook_cpu_us": statistics.median(hook_cpu),
            "rates": rates}


def filled(path: Path, customers: int, contacts_n: int) -> Path:
    """A database of that size, filled once (``path`` kept when it is already filled)."""
    from benchmarks._profiles_fill import fill

    marker = path.with_suffix(".filled")
    if marker.exists() and marker.read_text() == f"{customers} {contacts_n}":
        return path
    path.unlink(missing_ok=True)
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    steps = fill(engine, customers, contacts_n, log=lambda m: print(m, file=sys.stderr, flush=True))
    engine.dispose()
    print(f"  filled in {sum(steps.values()):,.0f} s: {json.dumps({k: round(v) for k, v in steps.items()})}",
          file=sys.stderr, flush=True)
    marker.write_text(f"{customers} {contacts_n}")
    return path


def child(mode: str, db: Path) -> dict:
    """Rebuild (``mode`` "setwise" or "percustomer") in a child process: seconds and its peak RSS."""
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--refresh-db", str(db)], check=True,
                         stdout=subprocess.PIPE, text=True, env=os.environ)  # progress: on stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_child(mode: str, db: Path) -> None:
    engine = create_db_engine(f"sqlite:///{db}")
    t, cpu = time.perf_counter(), time.process_time()
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        if done[0] % 100_000 < n:
            print(f"  {mode}: {done[0]:,} customers in {time.perf_counter() - t:,.0f} s", file=sys.stderr, flush=True)

    n = rebuild_per_customer(engine) if mode == "percustomer" else __import__(
        "xinsheng.profiles.rebuild", fromlist=["rebuild"]).rebuild(engine, now=NOW, on_chunk=progress)
    use = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"customers": n, "seconds": time.perf_counter() - t, "cpu_s": time.process_time() - cpu,
                      "peak_rss_mib": use.ru_maxrss / 1024}))


def rebuild_per_customer(engine) -> int:
    """The previous rebuild's method (the baseline): every contact of a chunk of 500 customers
    read back as the hook's dict and folded one by one in Python."""
    from collections import defaultdict

    from sqlalchemy import select

    from xinsheng.customers.models import Customer
    from xinsheng.db import session_scope
    from xinsheng.interactions.models import Interaction as I, InteractionAnalysis as A
    from xinsheng.profiles.features import fold_contact
    from xinsheng.profiles.store import _write, holdings_summaries

    with session_scope(engine) as s:
        ids = list(s.scalars(select(Customer.id).order_by(Customer.id)))
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        with session_scope(engine) as s:
            states = {cid: ({"h": h} if (h := hs) else {}) for cid, hs in holdings_summaries(s, part).items()}
            found: dict[int, list] = defaultdict(list)
            for cid, ch, d, ev, oc, at, label, flags, emo in s.execute(
                    select(I.customer_id, I.channel, I.direction, I.event, I.outcome, I.started_at, A.sentiment_label,
                           A.flags, A.emotions).outerjoin(A, A.interaction_id == I.id).where(I.customer_id.in_(part))):
                found[cid].append({"channel": ch, "direction": d, "event": ev, "outcome": oc, "started_at": at,
                                   "analysis": None if label is None and flags is None else
                                   {"sentiment_label": label, "flags": flags or [], "emotions": emo or {}}})
            for cid, items in found.items():
                for c in sorted(items, key=lambda c: c["started_at"]):
                    fold_contact(states[cid], c)
            _write(s, states, NOW)
    return len(ids)


def refresh(args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="xinsheng-bench-refresh-"))
    db = filled(Path(args.refresh_db) if args.refresh_db else work / "big.db", args.refresh_customers,
                args.refresh_contacts)
    big = [child("setwise", db) for _ in range(args.refresh_runs)]
    small = filled(work / "small.db", args.baseline_customers, args.baseline_customers * 50)
    base = [child("percustomer", small) for _ in range(args.refresh_runs)]
    new = [child("setwise", small) for _ in range(args.refresh_runs)]
    med = lambda rows, k: statistics.median(r[k] for r in rows)  # noqa: E731
    return {"big": {"customers": args.refresh_customers, "contacts": args.refresh_contacts,
                    "seconds": med(big, "seconds"), "cpu_s": med(big, "cpu_s"),
                    "peak_rss_mib": max(r["peak_rss_mib"] for r in big),
                    "runs": [round(r["seconds"], 1) for r in big]},
            "small": {"customers": args.baseline_customers, "contacts": args.baseline_customers * 50,
                      "per_customer_s": med(base, "seconds"), "setwise_s": med(new, "seconds"),
                      "per_customer_cpu": med(base, "cpu_s"), "setwise_cpu": med(new, "cpu_s"),
                      "per_customer_rss": max(r["peak_rss_mib"] for r in base),
                      "setwise_rss": max(r["peak_rss_mib"] for r in new)}}


def table(inc: dict | None, ref: dict | None) -> str:
    rows = []
    if inc:
        off, on = inc["off_per_s"], inc["on_per_s"]
        rows += [["ingest, hook off (baseline)", f"{off:,.0f} contacts/s", ""],
                 ["ingest, hook on", f"{on:,.0f} contacts/s", f"+{(1 / on - 1 / off) * 1e6:,.0f} µs per contact"],
                 ["the hook itself, per contact", f"{inc['hook_wall_us']:,.0f} µs wall",
                  f"{inc['hook_cpu_us']:,.0f} µs CPU of the writer thread"]]
    if ref:
        b, s = ref["big"], ref["small"]
        rows += [[f"refresh (set-wise): {b['customers']:,} customers, {b['contacts']:,} contacts", f"{b['seconds']:,.1f} s",
                  f"{b['cpu_s']:,.1f} s CPU ({b['cpu_s'] / b['contacts'] * 1e6:,.1f} µs per contact);"
                  f" {b['contacts'] / b['seconds']:,.0f} contacts/s; peak RSS {b['peak_rss_mib']:,.0f} MiB; runs {b['runs']}"],
                 [f"refresh (set-wise): {s['customers']:,} customers, {s['contacts']:,} contacts", f"{s['setwise_s']:,.1f} s",
                  f"{s['setwise_cpu']:,.1f} s CPU; peak RSS {s['setwise_rss']:,.0f} MiB"],
                 ["  baseline: per-customer fold (the previous rebuild), same bank", f"{s['per_customer_s']:,.1f} s",
                  f"{s['per_customer_cpu']:,.1f} s CPU; peak RSS {s['per_customer_rss']:,.0f} MiB;"
                  f" set-wise {s['per_customer_cpu'] / s['setwise_cpu']:,.1f}× less CPU"]]
    return markdown_table(["what", "median", "note"], rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=2000)
    ap.add_argument("--contacts", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--refresh-customers", type=int, default=20_000)
    ap.add_argument("--refresh-contacts", type=int, default=1_000_000)
    ap.add_argument("--refresh-runs", type=int, default=3)
    ap.add_argument("--baseline-customers", type=int, default=2000)
    ap.add_argument("--refresh-db", help="a database file to fill once and reuse")
    ap.add_argument("--only", choices=("incremental", "refresh"))
    ap.add_argument("--child", choices=("setwise", "percustomer"), help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.child:
        run_child(args.child, Path(args.refresh_db))
        return
    inc = incremental(args) if args.only != "refresh" else None
    ref = refresh(args) if args.only != "incremental" else None
    result = {"machine": machine(), "incremental": inc, "refresh": ref}
    if args.json:
        print(json.dumps(result))
        return
    print(json.dumps(result["machine"]))
    print(table(inc, ref))


if __name__ == "__main__":
    main()

"""Living profiles: the ingest cost of keeping them, and a full rebuild.

1. **Incremental cost** — the same number of contacts (app events, calls; no VOC analysis)
   ingested with the profiles hook off and on, alternating, ``--runs`` times each, into one
   SQLite database of ``--customers`` customers; median contacts per second and the extra
   microseconds per contact the hook costs (measured in the same run: the baseline is the
   hook off).
2. **Rebuild** — ``xinsheng profiles rebuild`` over everything stored: seconds, customers per
   second and peak memory of this process (``ru_maxrss``).

The machine is shared: read the load average printed with the table.

    python benchmarks/bench_profiles.py [--customers 2000] [--contacts 20000] [--runs 3] [--json]
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=2000)
    ap.add_argument("--contacts", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from xinsheng.customers.actions import bulk_upsert_customers
    from xinsheng.db import session_scope
    from xinsheng.profiles.rebuild import rebuild
    from xinsheng.profiles.store import install, uninstall

    db = Path(tempfile.mkdtemp(prefix="xinsheng-bench-profiles-")) / "x.db"
    engine = create_db_engine(f"sqlite:///{db}")
    upgrade(engine)
    with session_scope(engine) as s:
        bulk_upsert_customers(s, [{"customer_ref": f"C{i:07d}", "birth_year": 1950 + i % 50, "risk_level": 1 + i % 5}
                                  for i in range(1, args.customers + 1)])
    rng = random.Random(7)
    rates = {"off": [], "on": []}
    for run in range(args.runs):
        for mode in ("off", "on"):
            (install if mode == "on" else uninstall)()
            rates[mode].append(ingest_rate(engine, contacts(rng, args.customers, args.contacts, f"{mode}{run}")))
    uninstall()
    off, on = statistics.median(rates["off"]), statistics.median(rates["on"])
    t = time.perf_counter()
    rebuilt = rebuild(engine)
    seconds = time.perf_counter() - t
    stored = 2 * args.runs * args.contacts
    rows = [["ingest, hook off (baseline)", f"{off:,.0f} contacts/s", ""],
            ["ingest, hook on", f"{on:,.0f} contacts/s", f"+{(1 / on - 1 / off) * 1e6:,.0f} µs per contact"],
            [f"rebuild: {rebuilt:,} customers, {stored:,} contacts", f"{seconds:.1f} s",
             f"{rebuilt / seconds:,.0f} customers/s; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"]]
    result = {"machine": machine(), "customers": args.customers, "contacts_per_run": args.contacts, "runs": args.runs,
              "off_per_s": off, "on_per_s": on, "rebuild_s": seconds, "rebuilt": rebuilt}
    if args.json:
        print(json.dumps(result))
        return
    print(json.dumps(result["machine"]))
    print(markdown_table(["what", "median", "note"], rows))


if __name__ == "__main__":
    main()

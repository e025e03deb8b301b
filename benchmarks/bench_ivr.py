"""Personalised IVR: menu latency under load, the ingest cost of keeping callers' state, replay.

1. **Ingest cost** — the same number of IVR choices and app events ingested with the IVR hook
   off and on, alternating, ``--runs`` times each (median contacts per second), same run,
   same database (PostgreSQL by default; the cases flow off in both).
2. **Menu latency** — ``xinsheng serve`` in its own process on loopback (one uvicorn worker),
   this process sends ``GET /api/v1/ivr/menu`` open-loop at ``--rate`` requests/s with at most
   ``--concurrency`` in flight for ``--seconds`` (80 % known callers, 10 % unknown, 10 %
   anonymous); latency from the scheduled send to the answer (so queueing counts): p50, p99,
   max, errors (non-200 or transport errors), the rate achieved.
3. **Replay** — with ``--replay-url`` (a demo bank's database) and optionally ``--group``
   (a file of customer refs, e.g. the demo's planted month-start transferers), the replay's
   figures overall and for the group.

PostgreSQL is a throwaway local server (tests/support/pgserver.py: loopback, fsync off). The
machine is shared: read the load average printed with the table.

    python benchmarks/bench_ivr.py [--customers 2000] [--history 15] [--rate 500] [--concurrency 200]
        [--seconds 10] [--runs 3] [--replay-url URL --group FILE] [--json]
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
if not os.environ.get("XINSHENG_PII_KEYS"):
    from cryptography.fernet import Fernet

    os.environ["XINSHENG_PII_KEYS"] = Fernet.generate_key().decode("ascii")
os.environ.setdefault("XINSHENG_AUDIT_KEY", __import__("secrets").token_urlsafe(32))
os.environ.setdefault("XINSHENG_HOME", tempfile.mkdtemp(prefix="xinsheng-bench-home-"))
os.environ.setdefault("XINSHENG_ANALYZE_ON_INGEST", "false")

from benchmarks._machine import machine, markdown_table  # noqa: E402
from xinsheng.db import create_db_engine, session_scope  # noqa: E402
from xinsheng.migrate import upgrade  # noqa: E402

CN = timezone(timedelta(hours=8))
OPTIONS = ("balance", "transfer", "card", "credit_card", "wealth", "loan", "fx", "complaint", "agent")
_n = itertools.count(1)


def _contacts(rng: random.Random, customers: int, n: int, start: datetime) -> list[dict]:
    out = []
    for _ in range(n):
        ref = f"V{rng.randrange(customers):06d}"
        at = start + timedelta(minutes=rng.randrange(90 * 24 * 60))
        if rng.random() < 0.8:
            out.append({"external_id": f"b-{next(_n)}", "source": "bench", "customer_ref": ref, "channel": "ivr",
                        "event": "menu_selected", "started_at": at.isoformat(),
                        "attributes": {"menu_node": "root", "menu_option": rng.choice(OPTIONS)}})
        else:
            out.append({"external_id": f"b-{next(_n)}", "source": "bench", "customer_ref": ref, "channel": "app",
                        "event": rng.choice(("transfer_failed", "transfer_submitted", "login_success")),
                        "started_at": at.isoformat()})
    return out


def _ingest(engine, records: list[dict]) -> float:
    from xinsheng.ingest.readers import records_from_list
    from xinsheng.ingest.service import ingest_records

    started = time.perf_counter()
    report = ingest_records(records_from_list(records), "interactions", engine)
    assert report.rejected == 0, report.errors[:3]
    return len(records) / (time.perf_counter() - started)


def seed(engine, customers: int, history: int) -> str:
    from xinsheng.customers.actions import bulk_upsert_customers
    from xinsheng.identity.actions import do_create_token
    from xinsheng.ivr import flows

    with session_scope(engine) as s:
        bulk_upsert_customers(s, [{"customer_ref": f"V{i:06d}", "birth_year": 1950 + i % 50,
                                   "segment": "private" if i % 20 == 0 else "mass"} for i in range(customers)])
        _, secret = do_create_token(s, name="bench-ivr", role="system", scopes=["ivr"], created_by="bench")
        s.commit()
    flows.install()
    _ingest(engine, _contacts(random.Random(1), customers, customers * history, datetime(2026, 8, 1, tzinfo=CN)))
    return secret


def ingest_cost(engine, customers: int, per_run: int, runs: int) -> list[dict]:
    from xinsheng.ivr import flows

    rng = random.Random(2)
    rates: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(runs):
        for mode in ("off", "on"):
            (flows.install if mode == "on" else flows.uninstall)()
            rates[mode].append(_ingest(engine, _contacts(rng, customers, per_run, datetime(2026, 11, 1, tzinfo=CN))))
    flows.install()
    off, on = statistics.median(rates["off"]), statistics.median(rates["on"])
    return [{"what": "ingest, IVR hook off (contacts/s)", "value": round(off)},
            {"what": "ingest, IVR hook on (contacts/s)", "value": round(on)},
            {"what": "ingest cost of the hook", "value": f"{(off / on - 1) * 100:+.1f} % time per contact"}]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "XINSHENG_DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "xinsheng", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import httpx

    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


async def _load(port: int, secret: str, customers: int, rate: float, concurrency: int, seconds: float) -> dict:
    import httpx

    rng = random.Random(3)
    sem = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=10,
                                 headers={"Authorization": f"Bearer {secret}"}) as client:
        async def one(scheduled: float, caller: str | None) -> None:
            nonlocal errors
            async with sem:
                try:
                    params = {"caller": caller} if caller else {}
                    res = await client.get("/api/v1/ivr/menu", params=params)
                    if res.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
            latencies.append(time.perf_counter() - scheduled)

        tasks, start, total = [], time.perf_counter(), int(rate * seconds)
        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            roll = rng.random()
            caller = (f"V{rng.randrange(customers):06d}" if roll < 0.8 else
                      f"NOBODY{rng.randrange(10**6)}" if roll < 0.9 else None)
            tasks.append(asyncio.create_task(one(due, caller)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    latencies.sort()
    q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000  # noqa: E731
    return {"requests": total, "achieved_per_s": round(total / elapsed, 1), "p50_ms": round(q(0.5), 2),
            "p99_ms": round(q(0.99), 2), "max_ms": round(latencies[-1] * 1000, 2), "errors": errors}


def decision_times(engine, customers: int, n: int) -> dict:
    """The menu decision in this process, no HTTP: a session per call as the API opens one."""
    from xinsheng.db import utcnow
    from xinsheng.ivr.service import menu

    rng, times = random.Random(4), []
    for i in range(n + 50):
        started = time.perf_counter()
        with session_scope(engine) as s:
            menu(s, f"V{rng.randrange(customers):06d}", utcnow())
        if i >= 50:  # warm-up
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"calls": n, "p50_ms": round(times[n // 2], 2), "p99_ms": round(times[int(n * 0.99)], 2)}


def replay_figures(url: str, group: Path | None) -> dict:
    from xinsheng.ivr.replay import replay

    refs = {ln.strip() for ln in group.read_text().splitlines() if ln.strip()} if group else None
    started = time.perf_counter()
    report = replay(create_db_engine(url), group=refs).to_dict(group_name=group.name if group else None)
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=2000)
    ap.add_argument("--history", type=int, default=15, help="contacts per customer before the load")
    ap.add_argument("--per-run", type=int, default=5000, help="contacts per ingest run")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rate", type=float, default=500)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    ap.add_argument("--replay-url", help="database of a demo bank to replay")
    ap.add_argument("--group", type=Path, help="customer refs scored apart in the replay")
    ap.add_argument("--skip-load", action="store_true", help="no server and no HTTP load")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out: dict = {"machine": machine()}
    with ExitStack() as stack:
        if args.backend == "postgresql":
            from tests.support.pgserver import throwaway_postgres

            url = stack.enter_context(throwaway_postgres())
        else:
            url = f"sqlite:///{Path(stack.enter_context(tempfile.TemporaryDirectory())) / 'ivr.db'}"
        engine = create_db_engine(url)
        upgrade(engine)
        secret = seed(engine, args.customers, args.history)
        out["ingest"] = ingest_cost(engine, args.customers, args.per_run, args.runs)
        out["decision"] = decision_times(engine, args.customers, 2000)
        if not args.skip_load:
            proc = _serve(url, port := _free_port())
            stack.callback(proc.kill)
            out["latency"] = asyncio.run(_load(port, secret, args.customers, args.rate, args.concurrency,
                                               args.seconds))
    if args.replay_url:
        out["replay"] = replay_figures(args.replay_url, args.group)
    out["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return
    print(f"IVR menu on {args.backend}: {args.customers} callers, {args.history} contacts each before the load")
    rows = []
    if "latency" in out:
        lat = out["latency"]
        rows += [[f"HTTP menu p50 (ms) at {args.rate:g}/s, {args.concurrency} concurrent, {args.seconds:g} s",
                  lat["p50_ms"]], ["HTTP menu p99 (ms)", lat["p99_ms"]], ["HTTP menu max (ms)", lat["max_ms"]],
                 ["HTTP errors / requests", f"{lat['errors']} / {lat['requests']}"],
                 ["HTTP rate achieved (/s)", lat["achieved_per_s"]]]
    d = out["decision"]
    rows += [[f"decision in-process p50 (ms), {d['calls']} calls", d["p50_ms"]], ["decision in-process p99 (ms)",
                                                                                 d["p99_ms"]]]
    print(markdown_table(["measure", "value"], rows + [[r["what"], r["value"]] for r in out["ingest"]]))
    if "replay" in out:
        r = out["replay"]
        rows = [["all", r["calls"], r["static"]["top1"], r["personalised"]["top1"], r["static"]["mean_position"],
                 r["personalised"]["mean_position"], r["worse_share"], r["seconds_saved_per_call"]]]
        if "group" in r:
            for name, g in ((r["group"]["name"], r["group"]), (f"{r['group']['name']}, days 1-3",
                                                                r["group"]["month_start"])):
                rows.append([name, g["calls"], g["static"]["top1"], g["personalised"]["top1"],
                             g["static"]["mean_position"], g["personalised"]["mean_position"], g["worse_share"],
                             g["seconds_saved_per_call"]])
        print(f"\nReplay ({r['seconds']} s)")
        print(markdown_table(["calls of", "n", "top-1 static", "top-1 personalised", "mean pos static",
                              "mean pos personalised", "worse", "s saved/call"],
                             [[c if not isinstance(c, float) else round(c, 3) for c in row] for row in rows]))
    print(f"\nmachine: {out['machine']}")


if __name__ == "__main__":
    main()

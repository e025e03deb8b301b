"""Cases: the sweep over 100,000 open cases, and the cost of the cases flow on ingest.

**Sweep.** ``--cases`` open complaints (default 100,000) of 20,000 customers, accepted evenly
over the 16 days before ``T``, are written in bulk in the state a sweep at ``T - gap`` leaves
them: SLA state by their clocks, the breached ones escalated once (their ``sla_breach``
firing stored, one level up), the progress cadence (every 3 days) past ``T - gap``, 80 %
acknowledged within two hours (the rest become acknowledgement breaches). Then one sweep at
``T`` is timed; what it finds due is what fell due during the gap:

* 1 minute — the worker's default interval (``XINSHENG_WORKER_SWEEP_SECONDS=60``);
* 1 hour — a worker restarted after an hour;
* 1 day — a worker that was down for a day (the heaviest catch-up).

Each sweep runs in a fresh process (modules imported and data files read first, as in a
running worker) on a copy of the same database (SQLite: a file copy;
PostgreSQL: ``CREATE DATABASE … TEMPLATE``), so runs do not change each other's data; the
table shows the median seconds of ``--runs`` runs, the process's peak RSS, and how much was
due. The baseline row is ``SELECT count(*)`` of the open cases in the same process.

**Ingest.** The same demo-bank contacts (``--customers`` × ``--days``) are ingested into
fresh databases with the cases flow off (``cases.flows.uninstall``) and on, alternating,
``--runs`` times each (one process, one writer, VOC analysis on): contacts per second, the
cases opened, and the flow's share of the time.

    python benchmarks/bench_cases.py [--cases 100000] [--runs 3] [--backend sqlite|postgresql|both]
                                     [--gaps "1 minute,1 hour,1 day"] [--customers 1000] [--days 30]
                                     [--skip-sweep] [--skip-ingest] [--json]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
if not os.environ.get("XINSHENG_PII_KEYS"):
    from cryptography.fernet import Fernet

    os.environ["XINSHENG_PII_KEYS"] = Fernet.generate_key().decode("ascii")
os.environ.setdefault("XINSHENG_AUDIT_KEY", __import__("secrets").token_urlsafe(32))
if not os.environ.get("XINSHENG_HOME"):
    _home = Path(tempfile.mkdtemp(prefix="xinsheng-bench-home-"))
    if (ROOT / "var" / "models").is_dir():  # the built-in models trained once (make run)
        (_home / "models").symlink_to(ROOT / "var" / "models")
    os.environ["XINSHENG_HOME"] = str(_home)
os.environ["XINSHENG_WORKER"] = "off"

from benchmarks._machine import machine, markdown_table  # noqa: E402

T = datetime(2026, 11, 20, 10, 0, tzinfo=timezone(timedelta(hours=8)))
GAPS = {"1 minute": timedelta(minutes=1), "1 hour": timedelta(hours=1), "1 day": timedelta(days=1)}
CUSTOMERS = 20_000


# -- the sweep -------------------------------------------------------------------------------
def build(url: str, n: int, swept_at: datetime) -> None:
    """``n`` open cases as a sweep at ``swept_at`` leaves them (see the module docstring)."""
    from sqlalchemy import select

    from xinsheng.cases.calendar import default_calendar
    from xinsheng.cases.models import Case, CaseEscalation
    from xinsheng.cases.policies import compute_clocks, default_policies, sla_state
    from xinsheng.customers.actions import bulk_upsert_customers
    from xinsheng.customers.models import Customer
    from xinsheng.db import create_db_engine, session_scope
    from xinsheng.migrate import upgrade

    engine = create_db_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        bulk_upsert_customers(s, [{"customer_ref": f"S{i:06d}", "segment": "mass", "preferred_channel": "sms"}
                                  for i in range(CUSTOMERS)])
    with session_scope(engine) as s:
        ids = list(s.scalars(select(Customer.id).order_by(Customer.id)))
    calendar, policy = default_calendar(), default_policies().match(kind="complaint")
    span = timedelta(days=16).total_seconds()
    clocks: dict[datetime, object] = {}
    cases, firings = [], []
    for i in range(n):
        at = T - timedelta(seconds=span * (i + 0.5) / n)
        key = at.replace(second=0, microsecond=0)
        c = clocks.get(key) or clocks.setdefault(key, compute_clocks(policy, key, calendar))
        state = sla_state(swept_at, due_at=c.due_at, warn_at=c.warn_at)
        progress = key + timedelta(days=3)
        while progress <= swept_at:
            progress += timedelta(days=3)
        acked = at + timedelta(hours=2) if i % 5 and at + timedelta(hours=2) <= swept_at else None
        cases.append({
            "case_ref": f"BS{i:08d}", "customer_id": ids[i % len(ids)], "kind": "complaint", "title": "赎回款未到账",
            "channel": "phone", "status": "in_progress" if acked else "open", "tier": 1,
            "authority_level": 2 if state == "breached" else 1, "topic": "wealth.redemption",
            "regulator_referred": False, "opened_by": "bench", "opened_at": key, "accepted_at": key,
            "policy_code": policy.code, "ack_due_at": c.ack_due_at, "acknowledged_at": acked,
            "ack_breached_at": c.ack_due_at if acked is None and c.ack_due_at <= swept_at else None,
            "warn_at": c.warn_at, "due_at": c.due_at, "sla_state": state, "extensions": 0,
            "next_progress_at": progress, "repeat_contacts": 0, "risk_score": 0.0, "updated_at": swept_at,
            "attributes": {}})
    with session_scope(engine) as s:
        for k in range(0, n, 5000):
            s.execute(Case.__table__.insert(), cases[k:k + 5000])
    with session_scope(engine) as s:
        due = dict(s.execute(select(Case.id, Case.due_at).where(Case.sla_state == "breached")).all())
        for cid, due_at in due.items():
            firings.append({"case_id": cid, "rule": "sla_breach", "cause": f"due:{due_at.strftime('%Y-%m-%dT%H:%MZ')}",
                            "reason": "bench", "at": due_at, "to_tier": None, "to_level": 2})
        if firings:
            s.execute(CaseEscalation.__table__.insert(), firings)
    engine.dispose()


def _sweep_child(url: str, now: datetime, out) -> None:
    from sqlalchemy import func, select

    from xinsheng.cases.models import OPEN_STATUSES, Case
    from xinsheng.cases.sweep import run_sweep
    from xinsheng.db import create_db_engine, session_scope

    engine = create_db_engine(url)
    _warm(engine)  # a running worker has its modules imported and its data files read
    started = time.perf_counter()
    with session_scope(engine) as s:
        s.scalar(select(func.count()).select_from(Case).where(Case.status.in_(OPEN_STATUSES)))
    baseline = time.perf_counter() - started
    rss_before = _peak_rss_mib(reset=True)
    started = time.perf_counter()
    report = run_sweep(engine, now)
    seconds = time.perf_counter() - started
    out.send({"seconds": seconds, "baseline": baseline, "report": {**report.__dict__},
              "rss_before_mib": rss_before, "rss_peak_mib": _peak_rss_mib()})
    engine.dispose()


def _peak_rss_mib(reset: bool = False) -> float:
    """This process's peak resident set (VmHWM, MiB); ``reset`` first sets the peak to the
    current size (Linux: /proc/self/clear_refs), so the next reading is the peak since."""
    if reset:
        Path("/proc/self/clear_refs").write_text("5")
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm(engine) -> None:
    import xinsheng.cases.actions  # noqa: F401
    from xinsheng.cases.config_editor import active
    from xinsheng.db import session_scope
    from xinsheng.notify.templates import load_templates

    with session_scope(engine) as s:
        for name in ("calendar", "policies", "authority", "rules"):
            active(s, name)
    load_templates()


def _in_child(url: str, now: datetime) -> dict:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_sweep_child, args=(url, now, child))
    proc.start()
    result = parent.recv()
    proc.join()
    return result


class Copies:
    """Fresh copies of a built database, one per run."""

    def __init__(self, backend: str, url: str) -> None:
        self.backend, self.url, self.n = backend, url, 0

    def __call__(self) -> str:
        self.n += 1
        if self.backend == "sqlite":
            src = Path(self.url.removeprefix("sqlite:///"))
            dst = src.with_name(f"copy{self.n}.db")
            shutil.copyfile(src, dst)
            return f"sqlite:///{dst}"
        from sqlalchemy import create_engine, text

        admin = create_engine(self.url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        name = f"bench_copy{self.n}"
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {self.url.rsplit('/', 1)[1]}"))
        admin.dispose()
        return self.url.rsplit("/", 1)[0] + "/" + name


def sweep_rows(backend: str, url: str, n: int, runs: int, gaps: list[str]) -> list[dict]:
    rows = []
    for label in gaps:
        gap = GAPS[label]
        if backend == "sqlite":
            base = Path(tempfile.mkdtemp(prefix="bench-sweep-")) / "base.db"
            base_url = f"sqlite:///{base}"
        else:
            base_url = _pg_database(url, f"bench_base_{gap.days}_{gap.seconds}")
        started = time.perf_counter()
        build(base_url, n, T - gap)
        built = time.perf_counter() - started
        copies = Copies(backend, base_url)
        results = [_in_child(copies(), T) for _ in range(runs)]
        seconds = [r["seconds"] for r in results]
        rep = results[0]["report"]
        rows.append({"backend": backend, "gap": label, "cases": n, "median_s": round(statistics.median(seconds), 2),
                     "runs_s": [round(x, 2) for x in seconds],
                     "peak_rss_mib": round(max(r["rss_peak_mib"] for r in results)),
                     "rss_before_mib": round(max(r["rss_before_mib"] for r in results)),
                     "baseline_count_s": round(statistics.median(r["baseline"] for r in results), 3),
                     "due": {k: rep[k] for k in ("warned", "breached", "escalated", "ack_breached", "progress",
                                                 "queued_notifications")},
                     "build_s": round(built, 1)})
        print(f"  {backend} {label}: {rows[-1]['median_s']} s  due {rows[-1]['due']}", file=sys.stderr)
    return rows


from benchmarks.bench_cases_ingest import _pg_database, ingest_rows  # noqa: E402  (split for size)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--customers", type=int, default=1000, help="demo bank size for the ingest rows")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--gaps", default=",".join(GAPS), help=f"comma-separated, of: {', '.join(GAPS)}")
    ap.add_argument("--skip-sweep", action="store_true")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    sweeps, ingests = [], []
    with ExitStack() as stack:
        for backend in backends:
            if backend == "postgresql":
                from tests.support.pgserver import throwaway_postgres

                url = stack.enter_context(throwaway_postgres())
            else:
                url = f"sqlite:///{Path(stack.enter_context(tempfile.TemporaryDirectory())) / 'x.db'}"
            if not args.skip_sweep:
                sweeps += sweep_rows(backend, url, args.cases, args.runs, args.gaps.split(","))
            if not args.skip_ingest:
                ingests += ingest_rows(backend, url, args.customers, args.days, args.runs)
    if args.json:
        print(json.dumps({"sweep": sweeps, "ingest": ingests, "machine": machine()}, ensure_ascii=False))
        return
    if sweeps:
        print(f"Sweep over {args.cases:,} open cases, median of {args.runs} runs, each in a fresh process")
        print(markdown_table(
            ["backend", "since last sweep", "seconds", "runs", "peak RSS MiB (at start)", "due: warned / breached+escalated / "
             "ack / progress msgs", "baseline count(*) s"],
            [[r["backend"], r["gap"], r["median_s"], r["runs_s"], f"{r['peak_rss_mib']} ({r['rss_before_mib']})",
              f"{r['due']['warned']} / {r['due']['breached']}+{r['due']['escalated']} / {r['due']['ack_breached']} / "
              f"{r['due']['progress']}", r["baseline_count_s"]] for r in sweeps]))
    if ingests:
        print(f"\nIngest with the cases flow off and on ({args.customers} customers × {args.days} days of demo "
              f"contacts), median of {args.runs} runs each")
        print(markdown_table(["backend", "contacts", "flow", "contacts/s", "runs s", "cases opened", "extra time"],
                             [[r["backend"], r["contacts"], r["flow"], r["per_s"], r["runs_s"], r["cases"],
                               r.get("extra", "")] for r in ingests]))
    print(f"\nmachine: {machine()}")


if __name__ == "__main__":
    main()

"""How long the cases pages take with many cases, on SQLite and PostgreSQL.

Sets up ``--cases`` cases (levels, tiers, SLA states, acceptance dates spread over 60 days,
a tenth closed with a root cause, one escalation per fifth case) by bulk insert, and one
case with ``--contacts`` attached contacts whose texts are call transcripts. Then, median
of ``--runs`` runs after a warm-up (milliseconds):

* monitor aggregates — ``monitor_report`` (three GROUP BYs), no HTTP;
* GET /cases/monitor — the whole monitor page (aggregates, five figures, template);
* GET /cases?queue=all — the first 100 cases a supervisor sees;
* hand-off summary — ``handoff_summary`` of the case with many contacts, no HTTP;
* GET /cases/{ref} — that case's page (timeline, events, hand-off, actions);
* baseline — GET / (the home page: totals and the daily contacts chart), same stack, same run.

Pages are fetched in-process (ASGI test client) with a system token of scopes ``cases``
and ``analytics``. PostgreSQL is a throwaway local server (tests/support/pgserver.py).

    python benchmarks/bench_case_pages.py [--cases 100000] [--contacts 50] [--runs 5] [--backend sqlite|postgresql|both]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
if not os.environ.get("XINSHENG_PII_KEYS"):
    from cryptography.fernet import Fernet

    os.environ["XINSHENG_PII_KEYS"] = Fernet.generate_key().decode("ascii")
os.environ.setdefault("XINSHENG_AUDIT_KEY", __import__("secrets").token_urlsafe(32))
os.environ.setdefault("XINSHENG_HOME", tempfile.mkdtemp(prefix="xinsheng-bench-home-"))
os.environ.setdefault("XINSHENG_WORKER", "off")

from benchmarks._machine import machine, markdown_table  # noqa: E402
from xinsheng.db import create_db_engine, session_scope, utcnow  # noqa: E402
from xinsheng.migrate import upgrade  # noqa: E402

CALL = ("坐席：您好，请问有什么可以帮您？\n客户：我上周赎回的理财到现在还没到账，我非常着急！\n"
        "坐席：我帮您查一下。\n客户：这是我第{n}次打电话了，你们到底管不管？\n坐席：非常抱歉。")
ROOTS = ("process", "system_fault", "communication", "product_design", "third_party")
RULES = ("repeat_contact", "sla_breach", "strong_emotion", "vip", "regulatory_risk")


def _setup(engine, n: int, contacts: int) -> tuple[str, str]:
    """Bulk-insert the cases; returns (a token secret, the ref of the case with many contacts)."""
    from sqlalchemy import insert, select

    from xinsheng.cases.models import Case, CaseContact, CaseEscalation
    from xinsheng.customers.actions import bulk_upsert_customers
    from xinsheng.customers.models import Customer
    from xinsheng.identity.actions import do_create_token
    from xinsheng.interactions.models import Interaction

    now = utcnow()
    with session_scope(engine) as s:
        bulk_upsert_customers(s, [{"customer_ref": f"B{i:04d}", "segment": "mass"} for i in range(1000)])
        _, secret = do_create_token(s, name="bench-pages", role="system", scopes=["cases", "analytics", "customers"],
                                    created_by="bench")
    with session_scope(engine) as s:
        ids = list(s.scalars(select(Customer.id).order_by(Customer.id)))
    rows = []
    for i in range(n):
        accepted = now - timedelta(minutes=(i * 37) % (60 * 24 * 60))
        closed = i % 10 == 0
        rows.append({"case_ref": f"BENCH{i:07d}", "customer_id": ids[i % len(ids)], "kind": "complaint",
                     "title": "转账未到账", "status": "closed" if closed else ("open", "in_progress")[i % 2],
                     "tier": 1 + i % 3, "authority_level": 1 + (i // 3) % 4, "accepted_at": accepted,
                     "opened_at": accepted, "ack_due_at": accepted + timedelta(days=1),
                     "warn_at": accepted + timedelta(days=12), "due_at": accepted + timedelta(days=15),
                     "sla_state": ("on_track", "warning", "breached")[i % 3], "extensions": 0,
                     "repeat_contacts": i % 4, "risk_score": float(i % 7), "attributes": {},
                     "root_cause": ROOTS[i % len(ROOTS)] if closed else None,
                     "closed_at": now - timedelta(days=i % 30) if closed else None, "updated_at": now})
    with engine.begin() as conn:
        for k in range(0, n, 5000):
            conn.execute(insert(Case.__table__), rows[k:k + 5000])
        first = conn.execute(select(Case.id).order_by(Case.id).limit(1)).scalar()
        conn.execute(insert(CaseEscalation.__table__), [
            {"case_id": first + i, "rule": RULES[i % len(RULES)], "cause": f"c{i}", "reason": "r",
             "at": now - timedelta(hours=i % (24 * 30))} for i in range(0, n, 5)])
        inter = [{"source": "bench", "external_id": f"bench-{k}", "customer_id": ids[0], "channel": "phone",
                  "started_at": now - timedelta(hours=contacts - k), "direction": "inbound",
                  "text": CALL.format(n=k + 1), "outcome": "transferred", "agent_ref": f"A{k % 9}",
                  "attributes": {}, "pii": [], "ingested_at": now} for k in range(contacts)]
        conn.execute(insert(Interaction.__table__), inter)
        iids = conn.execute(select(Interaction.id).where(Interaction.source == "bench")).scalars().all()
        conn.execute(insert(CaseContact.__table__), [
            {"case_id": first, "interaction_id": iid, "at": now, "repeat": True} for iid in iids])
    return secret, "BENCH0000000"


def _ms(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def measure(backend: str, url: str, n: int, contacts: int, runs: int) -> list[dict]:
    from fastapi.testclient import TestClient

    from xinsheng.app import create_app
    from xinsheng.cases.config_editor import active
    from xinsheng.cases.handoff import handoff_summary
    from xinsheng.cases.monitor import monitor_report
    from xinsheng.cases.service import find_case

    engine = create_db_engine(url)
    upgrade(engine)
    secret, ref = _setup(engine, n, contacts)
    client = TestClient(create_app(url), headers={"Authorization": f"Bearer {secret}", "Accept": "text/html"})

    def get(path):
        def call():
            res = client.get(path)
            assert res.status_code == 200, (path, res.status_code, res.text[:300])
        return call

    def report():
        with session_scope(engine) as s:
            monitor_report(s, active(s, "calendar"), utcnow(), days=30)

    def handoff():
        with session_scope(engine) as s:
            handoff_summary(s, find_case(s, ref))

    rows = [("monitor aggregates (3 GROUP BYs)", report), ("GET /cases/monitor", get("/cases/monitor")),
            ("GET /cases?queue=all (100 rows)", get("/cases?queue=all")),
            (f"hand-off summary ({contacts} contacts)", handoff), (f"GET /cases/{{ref}} ({contacts} contacts)", get(f"/cases/{ref}")),
            ("baseline: GET / (home)", get("/"))]
    return [{"backend": backend, "what": name, "ms": _ms(fn, runs)} for name, fn in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--contacts", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    rows = []
    with ExitStack() as stack:
        for backend in backends:
            if backend == "postgresql":
                from tests.support.pgserver import throwaway_postgres

                url = stack.enter_context(throwaway_postgres())
            else:
                url = f"sqlite:///{Path(stack.enter_context(tempfile.TemporaryDirectory())) / 'pages.db'}"
            rows += measure(backend, url, args.cases, args.contacts, args.runs)
    if args.json:
        print(json.dumps({"results": rows, "machine": machine()}, ensure_ascii=False))
        return
    print(f"Cases pages with {args.cases:,} cases, median of {args.runs} runs (milliseconds)")
    print(markdown_table(["backend", "what", "ms"], [[r["backend"], r["what"], r["ms"]] for r in rows]))
    print(f"\nmachine: {machine()}")


if __name__ == "__main__":
    main()

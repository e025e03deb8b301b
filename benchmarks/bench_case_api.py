"""Case creation by API (POST /api/v1/cases), cases per second, on SQLite and PostgreSQL.

Each run opens ``--cases`` cases one request at a time through the real app (in-process
ASGI client, a system token of scope ``cases``: authentication, validation, policy match,
clocks, masking, the case, its event, the accepted notification in the outbox, the audit
entry). Rows:

* API, topic given — the body names the VOC topic;
* API, topic from the text — the VOC engine classifies the text (built-in model);
* service only — ``do_open_case`` in a transaction per case, no HTTP (audit entry included);
* baseline — POST /api/v1/customers with one customer per request, the same stack's
  simplest write, measured in the same run.

Median of ``--runs`` runs after ten warm-up calls. The machine is shared: compare rows of
one run, and read the load average printed with it. PostgreSQL is a throwaway local server
(tests/support/pgserver.py: loopback, fsync off).

    python benchmarks/bench_case_api.py [--cases 200] [--runs 3] [--backend sqlite|postgresql|both] [--json]
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
if not os.environ.get("XINSHENG_PII_KEYS"):
    from cryptography.fernet import Fernet

    os.environ["XINSHENG_PII_KEYS"] = Fernet.generate_key().decode("ascii")
os.environ.setdefault("XINSHENG_AUDIT_KEY", __import__("secrets").token_urlsafe(32))
os.environ.setdefault("XINSHENG_HOME", tempfile.mkdtemp(prefix="xinsheng-bench-home-"))

from benchmarks._machine import machine, markdown_table  # noqa: E402
from xinsheng.db import create_db_engine, session_scope, utcnow  # noqa: E402
from xinsheng.migrate import upgrade  # noqa: E402

CUSTOMERS = 500
TEXT = "我上周在手机银行转账给家人，到现在还没到账，客服说要等，已经打了三次电话了"
_n = itertools.count(1)


def _setup(engine) -> str:
    from xinsheng.customers.actions import bulk_upsert_customers
    from xinsheng.identity.actions import do_create_token

    with session_scope(engine) as s:
        bulk_upsert_customers(s, [{"customer_ref": f"B{i:05d}", "segment": "mass" if i % 7 else "private"}
                                  for i in range(CUSTOMERS)])
        _, secret = do_create_token(s, name="bench-cases", role="system", scopes=["cases", "ingest"],
                                    created_by="bench")
    return secret


def _body(i: int, topic: bool) -> dict:
    body = {"customer_ref": f"B{i % CUSTOMERS:05d}", "kind": "complaint" if i % 3 else "request",
            "title": "转账未到账", "channel": "phone", "text": TEXT}
    return {**body, "topic": "transfer.not_received"} if topic else body


def _rate(fn, n: int, runs: int) -> float:
    """Median items per second over ``runs`` runs of ``n`` calls, after ten warm-up calls
    (connections, statement caches, the VOC model)."""
    for _ in range(10):
        fn()
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(n):
            fn()
        rates.append(n / (time.perf_counter() - started))
    return statistics.median(rates)


def measure(backend: str, url: str, cases: int, runs: int) -> list[dict]:
    from fastapi.testclient import TestClient

    from xinsheng.app import create_app
    from xinsheng.cases.actions import do_open_case
    from xinsheng.cases.schemas import CaseCreate

    engine = create_db_engine(url)
    upgrade(engine)
    secret = _setup(engine)
    client = TestClient(create_app(url), headers={"Authorization": f"Bearer {secret}"})

    def api(topic: bool):
        def call():
            res = client.post("/api/v1/cases", json=_body(next(_n), topic))
            assert res.status_code == 201, res.text[:300]
        return call

    def service_only():
        with session_scope(engine) as s:
            do_open_case(s, CaseCreate(**_body(next(_n), True)), actor="bench", now=utcnow())

    def baseline():
        res = client.post("/api/v1/customers", json={"customer_ref": f"N{next(_n):07d}", "segment": "mass"})
        assert res.status_code == 200, res.text[:300]

    rows = [("API, topic given", api(True)), ("API, topic from the text (VOC)", api(False)),
            ("service only, topic given", service_only), ("baseline: POST /customers, one each", baseline)]
    return [{"backend": backend, "what": name, "per_s": round(_rate(fn, cases, runs), 1)} for name, fn in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=200, help="requests per run")
    ap.add_argument("--runs", type=int, default=3)
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
                url = f"sqlite:///{Path(stack.enter_context(tempfile.TemporaryDirectory())) / 'cases.db'}"
            rows += measure(backend, url, args.cases, args.runs)
    if args.json:
        print(json.dumps({"results": rows, "machine": machine()}, ensure_ascii=False))
        return
    print(f"Case creation, {args.cases} requests per run, median of {args.runs} runs (items per second)")
    print(markdown_table(["backend", "what", "per second"], [[r["backend"], r["what"], r["per_s"]] for r in rows]))
    print(f"\nmachine: {machine()}")


if __name__ == "__main__":
    main()

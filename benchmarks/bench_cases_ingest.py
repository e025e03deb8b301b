"""The ingest rows of bench_cases.py: the same demo contacts with the cases flow off and on."""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path


def _pg_database(url: str, name: str) -> str:
    """A new, empty database ``name`` on the server of ``url``."""
    from sqlalchemy import create_engine, text

    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def _fresh(backend: str, url: str, n: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-ingest-')) / 'ingest.db'}"
    return _pg_database(url, f"bench_ingest_{n}")


def _one(backend: str, url: str, n: int, bank, flow: bool) -> tuple[float, int]:
    from sqlalchemy import func, select

    from xinsheng.cases import flows
    from xinsheng.cases.models import Case
    from xinsheng.db import create_db_engine, session_scope
    from xinsheng.ingest.readers import records_from_list
    from xinsheng.ingest.service import ingest_records
    from xinsheng.migrate import upgrade

    engine = create_db_engine(_fresh(backend, url, n))
    upgrade(engine)
    ingest_records(records_from_list(bank.customers), "customers", engine)
    if flow:
        flows.install(status_provider=False)
    else:
        flows.uninstall()
    now = max(datetime.fromisoformat(r["started_at"]) for r in bank.interactions)
    flows.clock = lambda: now  # the demo's now: its complaints of the last 30 days open cases
    try:
        started = time.perf_counter()
        report = ingest_records(records_from_list(bank.interactions), "interactions", engine, workers=1)
        seconds = time.perf_counter() - started
    finally:
        flows.uninstall()
    assert report.rejected == 0 and report.accepted == len(bank.interactions)
    with session_scope(engine) as s:
        cases = s.scalar(select(func.count()).select_from(Case)) or 0
    engine.dispose()
    return seconds, cases


def ingest_rows(backend: str, url: str, customers: int, days: int, runs: int) -> list[dict]:
    from xinsheng.demo.generator import generate_bank
    from xinsheng.interactions.analysis import warm_analyzer

    bank = generate_bank(customers=customers, days=days, seed=7, end=date(2026, 11, 20))
    warm_analyzer()
    times: dict[bool, list[float]] = {False: [], True: []}
    opened: dict[bool, int] = {}
    n = 0
    _one(backend, url, n, bank, True)  # warm-up (imports, caches)
    for _ in range(runs):
        for flow in (False, True):
            n += 1
            seconds, cases = _one(backend, url, n, bank, flow)
            times[flow].append(seconds)
            opened[flow] = cases
            print(f"  ingest {backend} flow {'on' if flow else 'off'}: {seconds:.1f} s, {cases} cases",
                  file=sys.stderr)
    contacts = len(bank.interactions)
    off, on = statistics.median(times[False]), statistics.median(times[True])
    rows = []
    for flow, med in ((False, off), (True, on)):
        rows.append({"backend": backend, "contacts": contacts, "flow": "on" if flow else "off",
                     "per_s": round(contacts / med), "runs_s": [round(x, 1) for x in times[flow]],
                     "cases": opened[flow]})
    rows[-1]["extra"] = f"{(on - off) / off * 100:+.1f} % ({(on - off) * 1000 / max(1, opened[True]):.1f} ms per case)"
    return rows

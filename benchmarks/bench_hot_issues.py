"""Hot issues (热点问题): the report from daily topic counts against the old per-text aggregation.

Loads a demo bank (or uses a loaded database), then times ``hot_issues()`` and the whole
``/hot-issues`` page, median of ``--runs`` after one warm-up, with the old implementation
(every analysed text of the window read into Python; kept below, only here) as the
baseline in the same run, on the same database. The page shows the topics at once and
asks for the emerging clusters apart (``/hot-issues/clusters``, an htmx fragment), unless
they are kept for unchanged data: "first view" clears what is kept before each run (the
page, then the fragment, timed apart), "repeat view" not. PostgreSQL is a throwaway
server started by the test support code (fsync off, loopback), like bench_ingest.

To measure the demo bank of ``make run``::

    XINSHENG_MODE=demo XINSHENG_DATABASE_URL=sqlite:////tmp/demo.db .venv/bin/xinsheng db upgrade
    XINSHENG_MODE=demo XINSHENG_DATABASE_URL=sqlite:////tmp/demo.db .venv/bin/xinsheng demo
    python benchmarks/bench_hot_issues.py --db /tmp/demo.db

    python benchmarks/bench_hot_issues.py [--customers 5000] [--days 90] [--runs 5]
        [--backend sqlite|postgresql|both] [--db PATH] [--json]

``--db`` reuses a SQLite file (migrated first, which fills the daily counts of an older one).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
if not os.environ.get("XINSHENG_PII_KEYS"):
    os.environ.setdefault("XINSHENG_MODE", "demo")  # the demo's PII key, under XINSHENG_HOME

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks._machine import machine, markdown_table  # noqa: E402
from xinsheng.config import get_settings  # noqa: E402
from xinsheng.db import create_db_engine, session_scope  # noqa: E402
from xinsheng.insights import service  # noqa: E402
from xinsheng.insights.service import EXAMPLES, HotIssues, TopicRow, hot_issues  # noqa: E402
from xinsheng.interactions.models import Interaction, InteractionAnalysis  # noqa: E402
from xinsheng.migrate import upgrade  # noqa: E402

VARIANTS = [("90 days, all channels", {"days": 90}), ("90 days, app only", {"days": 90, "channel": "app"}),
            ("30 days, all channels", {"days": 30})]


# --- the old implementation (before topic_daily), the baseline ------------------------------

def _old_rows(session: Session, days: int, channel: str | None):
    latest = session.scalar(select(func.max(Interaction.started_at)).join(
        InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id))
    if latest is None:
        return []
    stmt = (select(Interaction.started_at, Interaction.text, InteractionAnalysis.topics,
                   InteractionAnalysis.sentiment_label, InteractionAnalysis.sentiment_score,
                   InteractionAnalysis.keywords)
            .join(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
            .where(Interaction.started_at > latest - timedelta(days=days)))
    if channel:
        stmt = stmt.where(Interaction.channel == channel)
    return session.execute(stmt).all()


def _old_by_topic(rows, tz: ZoneInfo) -> dict[str, TopicRow]:
    topics: dict[str, TopicRow] = {}
    for r in rows:
        day = r.started_at.astimezone(tz).date()
        for t in r.topics or []:
            row = topics.setdefault(t["code"], TopicRow(t["code"], t.get("label") or t["code"]))
            row.total += 1
            row.daily[day] += 1
            row.score_sum += r.sentiment_score or 0.0
            if r.sentiment_label == "negative":
                row.negative += 1
                if len(row.examples) < EXAMPLES and r.text:
                    row.examples.append(r.text[:300])
    return topics


def old_hot_issues(session: Session, *, days: int = 90, channel: str | None = None, top: int = 12) -> HotIssues:
    """The report as it was computed before the daily counts: in Python, over every text."""
    from xinsheng.voc.emerging import emerging_issues

    tz = ZoneInfo(get_settings().display_timezone)
    rows = _old_rows(session, days, channel)
    topics = _old_by_topic(rows, tz)
    records = [(r.started_at.astimezone(tz).date(), (r.topics or [{}])[0].get("code"), r.text or "")
               for r in rows if r.sentiment_label == "negative" and r.text]
    emerging = emerging_issues(records, recent_days=7, negative_only=False) if rows else {"clusters": [], "spikes": []}
    by_key: dict[str, list[dict]] = defaultdict(list)
    for spike in emerging["spikes"]:
        by_key[spike["key"]].append(spike)
    for code, row in topics.items():
        row.spikes = sorted(by_key.get(f"topic:{code}", []), key=lambda s: s["day"])
    clusters = [{**c, "spikes": sorted(by_key.get(f"cluster:{c['id']}", []), key=lambda s: s["day"])}
                for c in emerging["clusters"]]
    ranked = sorted(topics.values(), key=lambda t: (-len(t.spikes), -t.negative, -t.total))
    day_list = []
    if rows:
        first = min(r.started_at for r in rows).astimezone(tz).date()
        last = max(r.started_at for r in rows).astimezone(tz).date()
        day_list = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return HotIssues(days=day_list, topics=ranked[:top], clusters=clusters[:top], texts_analysed=len(rows))


# --- measurement ---------------------------------------------------------------------------

def median_seconds(fn, runs: int, fresh: bool = True) -> float:
    """Median time of ``fn`` after a warm-up; ``fresh``: without the report's kept clusters."""
    fn()  # warm-up: imports, the analyzer's resources, the database's caches
    times = []
    for _ in range(runs):
        if fresh:
            service._cluster_cache.clear()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def load_demo(engine, customers: int, days: int) -> float:
    from xinsheng.demo.generator import generate_bank
    from xinsheng.demo.load import load_bank

    started = time.perf_counter()
    load_bank(generate_bank(customers=customers, days=days, seed=42), engine)
    return time.perf_counter() - started


def page_client(url: str, engine):
    """A test client of the app, signed in by the token of an analyst."""
    from fastapi.testclient import TestClient

    from xinsheng.app import create_app
    from xinsheng.identity.actions import do_create_token, do_create_user

    with session_scope(engine) as session:
        user = do_create_user(session, username=f"bench-analyst-{time.time_ns()}", role="analyst")
        _, secret = do_create_token(session, name=f"bench-{time.time_ns()}", role="analyst", scopes=[],
                                    user=user, created_by="bench")
    return TestClient(create_app(url), headers={"Authorization": f"Bearer {secret}"})


def measure(backend: str, url: str, engine, runs: int) -> list[dict]:
    with session_scope(engine) as s:
        analysed = s.scalar(select(func.count()).select_from(InteractionAnalysis))
    client = page_client(url, engine)
    out = []
    for name, kw in VARIANTS:
        def report(fn=hot_issues, kw=kw):
            with session_scope(engine) as session:
                return fn(session, **kw)

        query = "&".join(f"{k}={v}" for k, v in kw.items())

        def page(path="/hot-issues"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 200, response.text[:300]

        def old_page_report(session, *, days, channel=None, clusters=True):
            return old_hot_issues(session, days=days, channel=channel)

        with mock.patch("xinsheng.insights.pages.hot_issues", old_page_report), \
                mock.patch("xinsheng.insights.pages.emerging", lambda *a, **k: []):
            old_page = median_seconds(page, runs)
        new_page = median_seconds(page, runs)
        fragment = median_seconds(lambda: page("/hot-issues/clusters"), runs)
        repeat_page = median_seconds(page, runs, fresh=False)
        old_fn = median_seconds(lambda: report(old_hot_issues), runs)
        new_fn = median_seconds(report, runs)
        out.append({"backend": backend, "analysed": analysed, "variant": name, "texts_in_window": report().texts_analysed,
                    "old_report_s": round(old_fn, 3), "new_report_s": round(new_fn, 3),
                    "old_page_s": round(old_page, 3), "new_page_s": round(new_page, 3),
                    "clusters_fragment_s": round(fragment, 3),
                    "new_page_repeat_s": round(repeat_page, 3)})
    return out


def run_backend(backend: str, args, stack: ExitStack) -> list[dict]:
    if backend == "postgresql":
        from tests.support.pgserver import throwaway_postgres

        url = stack.enter_context(throwaway_postgres())
    else:
        url = f"sqlite:///{args.db or Path(stack.enter_context(tempfile.TemporaryDirectory())) / 'bank.db'}"
    engine = create_db_engine(url)
    started = time.perf_counter()
    upgrade(engine)
    migrate_s = time.perf_counter() - started
    with session_scope(engine) as s:
        empty = not s.scalar(select(func.count()).select_from(Interaction))
    load_s = load_demo(engine, args.customers, args.days) if empty else None
    print(f"{backend}: {'loaded' if empty else 'reused'} the bank"
          f" ({load_s or migrate_s:.1f} s {'load' if empty else 'migration'})", file=sys.stderr)
    return measure(backend, url, engine, args.runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    ap.add_argument("--db", help="a SQLite file to use instead of a fresh demo bank")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    with ExitStack() as stack:
        rows = [row for b in backends for row in run_backend(b, args, stack)]
    if args.json:
        print(json.dumps({"results": rows, "machine": machine()}, ensure_ascii=False))
        return
    bank = f"the SQLite file {args.db}" if args.db else f"a demo bank ({args.customers:,} customers × {args.days} days)"
    print(f"Hot issues on {bank}, "
          f"median of {args.runs} runs, seconds")
    print(markdown_table(
        ["backend", "analysed texts", "window", "texts in window", "old report", "new report",
         "old page", "new page, first view", "speed-up", "clusters fragment, first view",
         "new page, repeat view (clusters kept)"],
        [[r["backend"], f"{r['analysed']:,}", r["variant"], f"{r['texts_in_window']:,}", r["old_report_s"],
          r["new_report_s"], r["old_page_s"], r["new_page_s"],
          f"×{r['old_page_s'] / max(r['new_page_s'], 1e-6):.1f}", r["clusters_fragment_s"],
          r["new_page_repeat_s"]] for r in rows]))
    print(f"\nmachine: {machine()}")


if __name__ == "__main__":
    main()

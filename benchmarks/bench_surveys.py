"""Surveys: invitation selection over a simulated day of contacts, response ingest, and the
satisfaction query over many stored responses (SQLite in a temporary folder).

    .venv/bin/python benchmarks/bench_surveys.py                 # 200,000 contacts, 5,000 answers, 200,000 stored
    .venv/bin/python benchmarks/bench_surveys.py --contacts 5000000 --stored 10000000   # the issue's sizes

1. selection: ``selection.decide`` for every contact of one simulated day (channels, events
   and outcomes as the shipped triggers see them; 1 customer in 5 has a recent invitation,
   1 in 50 an open complaint, 1 in 100 opted out), the customers' state held in memory as
   ``run_invitations`` holds it. Baseline in the same run: the same loop matching triggers only.
   Seconds (median of ``--runs``) and the process's peak memory growth.
2. ingest: ``xinsheng ingest --kind survey-responses`` of an NDJSON file of answers without
   comments (plain answers stored a batch at a time, with the daily sums): answers per second.
   Baselines in the same run: the same file one answer at a time through ``do_answer`` in its
   own savepoint (the path before batching), and the rows inserted with one executemany.
3. query: ``satisfaction_report`` (overall, and ``by=channel``) over ``--stored`` responses
   (90 days from a moment inside a day: whole days from ``survey_daily``, two partial days
   from the answers), and the Satisfaction page's queries (report, 13 weeks, response
   rate, topics, follow-ups), median of ``--runs``. Baselines in the same run: the same
   sums over every answer of the period (the query before the daily sums) and
   ``SELECT count(*)``. ``--stored`` may list several sizes (``1000000,10000000``).
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
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
if not os.environ.get("XINSHENG_PII_KEYS"):
    from cryptography.fernet import Fernet

    os.environ["XINSHENG_PII_KEYS"] = Fernet.generate_key().decode("ascii")
os.environ.setdefault("XINSHENG_AUDIT_KEY", __import__("secrets").token_urlsafe(32))
os.environ.setdefault("XINSHENG_HOME", tempfile.mkdtemp(prefix="xinsheng-bench-home-"))
os.environ["XINSHENG_WORKER"] = "off"

from benchmarks._machine import machine, markdown_table  # noqa: E402

CHANNELS = [("phone", "call", "resolved"), ("phone", "call", "unresolved"), ("app", "transfer_failed", None),
            ("app", "login_success", None), ("branch", "visit", None), ("wechat", "chat", "resolved"),
            ("ivr", "menu", None), ("sms", "notice_sent", "delivered")]
NOW = datetime(2026, 10, 15, 6, 0, tzinfo=timezone.utc)  # 14:00 in Shanghai, outside quiet hours


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_selection(n: int, runs: int) -> list:
    from xinsheng.surveys.definitions import load_config
    from xinsheng.surveys.selection import CustomerState, SurveyEvent, decide, trigger_for

    config, rng, tz = load_config(), random.Random(1), ZoneInfo("Asia/Shanghai")
    customers = max(n // 3, 1)
    states = {}
    for cid in range(customers):
        r = rng.random()
        states[cid] = CustomerState(opted_out=r < 0.01, open_complaints=("CS1",) if 0.01 <= r < 0.03 else (),
                                    invited_at=(NOW - timedelta(days=5),) if 0.03 <= r < 0.23 else ())
    before = _rss_mib()
    events = []
    for i in range(n):
        ch, ev, out = CHANNELS[i % len(CHANNELS)]
        events.append(SurveyEvent(key=f"contact:{i}", after="contact", at=NOW - timedelta(seconds=i % 86400),
                                  customer_id=rng.randrange(customers), channel=ch, event=ev, outcome=out))
    held = _rss_mib() - before
    timings, base, invited = [], [], 0
    for _ in range(runs):
        t = time.perf_counter()
        for e in events:
            trigger_for(config, e)
        base.append(time.perf_counter() - t)
        local = dict(states)
        t = time.perf_counter()
        invited = 0
        for e in events:
            d = decide(e, local[e.customer_id], config, now=NOW, tz=tz)
            if d.invite:
                invited += 1
                s = local[e.customer_id]
                local[e.customer_id] = CustomerState(s.opted_out, (*s.invited_at, NOW), s.open_complaints)
        timings.append(time.perf_counter() - t)
    med = statistics.median(timings)
    return [["selection (decide)", f"{n:,} contacts", f"{med:.2f} s", f"{n / med:,.0f} contacts/s",
             f"{invited:,} invited; events+state held: {held:.0f} MiB, peak RSS {_rss_mib():.0f} MiB"],
            ["baseline: trigger match only", f"{n:,} contacts", f"{statistics.median(base):.2f} s",
             f"{n / statistics.median(base):,.0f} contacts/s", "same run"]]


def _engine(folder: Path):
    from xinsheng.db import create_db_engine
    from xinsheng.migrate import upgrade

    engine = create_db_engine(f"sqlite:///{folder / 'bench.db'}")
    upgrade(engine)
    return engine


def _answers_file(path: Path, n: int, seed: int, offset: int = 0) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            metric = ("nps", "csat", "ces")[i % 3]
            score = {"nps": rng.randint(7, 10), "csat": rng.randint(3, 5), "ces": rng.randint(1, 5)}[metric]
            fh.write(json.dumps({"survey": metric, "score": score, "customer_ref": f"C{i % 1000}", "channel": "app",
                                 "answered_at": (NOW - timedelta(seconds=i + offset)).isoformat()}) + "\n")


def bench_ingest(folder: Path, n: int) -> list:
    from xinsheng.customers.actions import bulk_upsert_customers
    from xinsheng.db import session_scope
    from xinsheng.surveys import ingest
    from xinsheng.surveys.models import SurveyResponse

    engine = _engine(folder)
    with session_scope(engine) as s:
        bulk_upsert_customers(s, [{"customer_ref": f"C{i}", "segment": "mass"} for i in range(1000)])
    old_path, new_path = folder / "old.ndjson", folder / "new.ndjson"
    _answers_file(old_path, n, 2)
    _answers_file(new_path, n, 4, offset=n)
    plain = ingest._plain
    ingest._plain = lambda body, config: False  # every answer through do_answer: the path before batching
    try:
        t = time.perf_counter()
        old = ingest.load_survey_file(old_path, engine)
        old_took = time.perf_counter() - t
    finally:
        ingest._plain = plain
    t = time.perf_counter()
    report = ingest.load_survey_file(new_path, engine)
    took = time.perf_counter() - t
    rows = [{"dedup_key": f"b{i}", "survey": "nps", "metric": "nps", "score": 9, "via": "file",
             "answered_at": NOW, "analysis": {}} for i in range(n)]
    t = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(SurveyResponse.__table__.insert(), rows)
    base = time.perf_counter() - t
    return [["ingest --kind survey-responses (batched)", f"{n:,} answers", f"{took:.2f} s",
             f"{report.accepted / took:,.0f} answers/s", f"accepted {report.accepted:,}, rejected {report.rejected}"],
            ["baseline: one at a time (do_answer each)", f"{n:,} answers", f"{old_took:.2f} s",
             f"{old.accepted / old_took:,.0f} answers/s", "same run, the path before batching"],
            ["baseline: one executemany", f"{n:,} rows", f"{base:.2f} s", f"{n / base:,.0f} rows/s", "same run"]]


def _fill(engine, n: int) -> None:
    from xinsheng.surveys.daily import add_sums, display_tz, sums_of
    from xinsheng.surveys.models import SurveyResponse

    rng, tz = random.Random(3), display_tz()
    chans = ["phone", "app", "branch", "wechat", "ivr"]
    for start in range(0, n, 50_000):
        batch = []
        for i in range(start, min(n, start + 50_000)):
            metric = ("nps", "csat", "ces")[i % 3]
            lo, hi = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}[metric]
            batch.append({"dedup_key": f"q{i}", "survey": metric, "metric": metric, "score": rng.randint(lo, hi),
                          "via": "api", "channel": chans[i % 5], "segment": "mass",
                          "answered_at": NOW - timedelta(seconds=(i * 7919) % (180 * 86400)), "analysis": {}})
        with engine.begin() as conn:
            conn.execute(SurveyResponse.__table__.insert(), batch)
            from sqlalchemy.orm import Session

            with Session(bind=conn) as s:
                add_sums(s, sums_of(((r["answered_at"], r["metric"], r["score"], r["channel"], r["segment"], None)
                                     for r in batch), tz))
                s.flush()


def _fill_sql(engine, n: int) -> None:
    """The same kind of answers as :func:`_fill`, generated inside SQLite by one statement (10
    million in minutes, not the better part of an hour), then the daily sums recounted from
    them a day at a time by the product's own ``recount_days``."""
    from datetime import date

    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from xinsheng.surveys.daily import display_tz, recount_days

    span = 180 * 86400
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO survey_responses (dedup_key, survey, metric, score, via, channel, segment, answered_at,"
            " analysis) WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :last)"
            " SELECT 'q' || i, m, m, CASE m WHEN 'nps' THEN h % 11 WHEN 'csat' THEN 1 + h % 5 ELSE 1 + h % 7 END,"
            " 'api', c, 'mass', strftime('%Y-%m-%d %H:%M:%S', :now - (i * 7919) % :span, 'unixepoch') || '.000000',"
            " '{}' FROM (SELECT i, CASE i % 3 WHEN 0 THEN 'nps' WHEN 1 THEN 'csat' ELSE 'ces' END AS m,"
            " (i * 2654435761) % 1000003 AS h,"
            " CASE i % 5 WHEN 0 THEN 'phone' WHEN 1 THEN 'app' WHEN 2 THEN 'branch' WHEN 3 THEN 'wechat'"
            " ELSE 'ivr' END AS c FROM n)"), {"last": n - 1, "now": int(NOW.timestamp()), "span": span})
    tz = display_tz()
    first = (NOW - timedelta(seconds=span)).astimezone(tz).date()
    days = [first + timedelta(days=k) for k in range((NOW.astimezone(tz).date() - first).days + 1)]
    with engine.begin() as conn, Session(bind=conn) as s:
        for day in days:
            recount_days(s, [day])
            s.flush()
    assert isinstance(days[0], date)


def _raw_report(s, since, until, by=None) -> dict:
    """The query before the daily sums: the sums over every answer of the period."""
    from sqlalchemy import select

    from xinsheng.surveys import metrics as m

    cols = (m.GROUP_COLUMNS[by], m.R.metric) if by else (m.R.metric,)
    return {tuple(r[:len(cols)]): r[len(cols):] for r in s.execute(
        m._period(select(*cols, *m._SUMS), since, until).group_by(*cols))}


def _page(s, since, until) -> None:
    from xinsheng.surveys import metrics as m

    m.satisfaction_report(s, since=since, until=until, by="channel")
    m.weekly(s, since=since, until=until)
    m.response_rate(s, since=since, until=until)
    m.detractor_topics(s, since=since, until=until)
    m.followups(s, since=since, until=until)


def _median_ms(engine, runs: int, fn) -> str:
    from xinsheng.db import session_scope

    times = []
    for _ in range(runs):
        with session_scope(engine) as s:
            t = time.perf_counter()
            fn(s)
            times.append(time.perf_counter() - t)
    return f"{statistics.median(times) * 1000:,.0f} ms"


def bench_query(folder: Path, n: int, runs: int) -> list:
    from sqlalchemy import func, select

    from xinsheng.surveys.metrics import satisfaction_report
    from xinsheng.surveys.models import SurveyResponse

    (folder / f"q{n}").mkdir()
    engine = _engine(folder / f"q{n}")
    t = time.perf_counter()
    (_fill_sql if n > 1_000_000 else _fill)(engine, n)
    filled = time.perf_counter() - t
    since, until = NOW - timedelta(days=90), NOW
    size, note = f"{n:,} stored", f"median of {runs}"
    _median_ms(engine, 1, lambda s: satisfaction_report(s, since=since, until=until))  # warm-up
    new_all = satisfaction_report.__wrapped__ if hasattr(satisfaction_report, "__wrapped__") else satisfaction_report
    return [
        ["satisfaction query, 90 days (daily sums)", size, _median_ms(engine, runs, lambda s: new_all(
            s, since=since, until=until)), "", f"{note}; stored and summed in {filled:.0f} s"],
        ["baseline: the sums over every answer", size, _median_ms(engine, runs, lambda s: _raw_report(
            s, since, until)), "", "same run, the query before"],
        ["… by channel (daily sums)", size, _median_ms(engine, runs, lambda s: new_all(
            s, since=since, until=until, by="channel")), "", note],
        ["baseline: … by channel over every answer", size, _median_ms(engine, runs, lambda s: _raw_report(
            s, since, until, "channel")), "", "same run"],
        ["Satisfaction page's queries (daily sums)", size, _median_ms(engine, runs, lambda s: _page(s, since, until)),
         "", f"{note}: report by channel, 13 weeks, rate, topics, follow-ups"],
        ["baseline: SELECT count(*)", size, _median_ms(engine, runs, lambda s: s.scalar(
            select(func.count()).select_from(SurveyResponse))), "", "same run"],
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=200_000, help="0: leave the selection out")
    ap.add_argument("--answers", type=int, default=5_000, help="0: leave ingest out")
    ap.add_argument("--stored", default="200000", help="answers stored for the query, comma-separated sizes")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    rows = bench_selection(args.contacts, args.runs) if args.contacts else []
    with tempfile.TemporaryDirectory(prefix="xinsheng-bench-surveys-") as tmp:
        if args.answers:
            rows += bench_ingest(Path(tmp), args.answers)
        for n in (int(x) for x in args.stored.split(",") if int(x)):
            rows += bench_query(Path(tmp), n, args.runs)
    print(markdown_table(["what", "size", "time", "rate", "notes"], rows))
    print()
    print("machine:", json.dumps(machine(), ensure_ascii=False))


if __name__ == "__main__":
    main()

"""Improvement actions: the before/after evaluation, finding the customers who raised a
topic, and shipping (telling every linked customer through the outbox). SQLite in a
temporary folder.

    .venv/bin/python benchmarks/bench_improvements.py            # 20,000 customers, 400,000 answers, 40,000 contacts
    .venv/bin/python benchmarks/bench_improvements.py --answers 2000000 --contacts 200000

1. evaluate topic_rate: ``evaluate`` of a topic action (14 days each side) over a year of
   ``topic_daily`` (30 topics × 10 channels × 365 days). Baseline: ``SELECT count(*)`` of customers.
2. evaluate csat: a channel's action over ``--answers`` survey answers spread over 90 days
   (read from the daily sums ``survey_daily``, filled as the answers' ingest fills them).
   Baseline in the same run: the Satisfaction page's overall ``satisfaction_report`` of 90 days.
3. raisers: linking who raised a topic in a 4-day window holding ``--contacts`` analysed
   contacts (1 in 10 about the topic). Baseline: counting the window's analysed contacts.
4. ship: marking shipped an action with ``--linked`` customers (each told through the
   outbox). Baseline: the same number of ``do_enqueue`` calls alone.
Medians of ``--runs``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
if not os.environ.get("XINSHENG_PII_KEYS"):
    from cryptography.fernet import Fernet

    os.environ["XINSHENG_PII_KEYS"] = Fernet.generate_key().decode("ascii")
os.environ.setdefault("XINSHENG_AUDIT_KEY", __import__("secrets").token_urlsafe(32))
os.environ.setdefault("XINSHENG_HOME", tempfile.mkdtemp(prefix="xinsheng-bench-home-"))
os.environ["XINSHENG_WORKER"] = "off"
os.environ["XINSHENG_NOTIFY_WEEKLY_LIMIT"] = "0"

from benchmarks._machine import machine, markdown_table  # noqa: E402

SHIP = date(2026, 10, 15)
NOW = datetime(2026, 11, 20, 4, 0, tzinfo=timezone.utc)
TOPIC = "mobile_banking.login_failure"


def _median(fn, runs: int) -> float:
    fn()  # warm: first imports (scipy.stats), templates, statement caches
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _fill(engine, customers: int, answers: int, contacts: int) -> None:
    from sqlalchemy import insert, select

    from xinsheng.customers.models import Customer
    from xinsheng.db import session_scope
    from xinsheng.interactions.models import Interaction, InteractionAnalysis, TopicDaily
    from xinsheng.surveys.models import SurveyResponse

    rng = random.Random(1)
    now = datetime.now(timezone.utc)
    with session_scope(engine) as s:
        s.execute(insert(Customer.__table__), [{"customer_ref": f"C{i}", "attributes": {}, "is_placeholder": False,
                                                "created_at": now, "updated_at": now} for i in range(customers)])
        topics = [TOPIC] + [f"t{i}.x" for i in range(29)]
        s.execute(insert(TopicDaily.__table__), [
            {"day": SHIP + timedelta(days=d), "topic_code": code, "channel": f"c{c}", "label": code,
             "texts": rng.randint(0, 20), "negative": 0, "negative_primary": 0, "score_sum": 0.0}
            for d in range(-300, 65) for code in topics for c in range(10)])
        start = datetime.combine(SHIP, dtime(), tzinfo=timezone.utc) - timedelta(days=45)
        s.execute(insert(SurveyResponse.__table__), [
            {"dedup_key": f"k{i}", "survey": "csat", "metric": "csat", "score": rng.randint(1, 5),
             "channel": rng.choice(("app", "phone", "web", "wechat")), "via": "api",
             "answered_at": start + timedelta(seconds=rng.randint(0, 90 * 86400)), "analysis": {}}
            for i in range(answers)])
        from xinsheng.surveys.daily import add_sums, display_tz, sums_of

        add_sums(s, sums_of(s.execute(select(SurveyResponse.answered_at, SurveyResponse.metric, SurveyResponse.score,
                                             SurveyResponse.channel, SurveyResponse.segment, SurveyResponse.tier)),
                            display_tz()))  # the daily sums the answers' ingest keeps
        w0 = datetime.combine(SHIP - timedelta(days=4), dtime(), tzinfo=timezone.utc)
        s.execute(insert(Interaction.__table__), [
            {"id": i + 1, "source": "b", "external_id": f"x{i}", "customer_id": 1 + i % customers, "channel": "app",
             "started_at": w0 + timedelta(seconds=rng.randint(0, 4 * 86400 - 1)), "direction": "inbound",
             "attributes": {}, "pii": [], "ingested_at": now} for i in range(contacts)])
        s.execute(insert(InteractionAnalysis.__table__), [
            {"interaction_id": i + 1, "topics": [{"code": TOPIC if i % 10 == 0 else "t3.x", "label": "x"}],
             "emotions": {}, "flags": [], "keywords": [], "analyzed_at": now} for i in range(contacts)])


def _action(s, **over):
    from xinsheng.improvements.actions import do_create_action
    from xinsheng.improvements.schemas import ActionCreate

    body = {"title": "b", "problem_kind": "topic", "problem_ref": TOPIC, "change_zh": "修复", "owner": "owner",
            "promised_date": SHIP, **over}
    return do_create_action(s, ActionCreate(**body), actor="bench", now=NOW)


def run(args) -> list[list]:
    from sqlalchemy import func, select

    from xinsheng.customers.models import Customer
    from xinsheng.db import get_engine, session_scope
    from xinsheng.identity.actions import do_create_user
    from xinsheng.improvements.actions import do_change_state, do_link_customers
    from xinsheng.improvements.evaluate import evaluate
    from xinsheng.improvements.schemas import LinkCustomers
    from xinsheng.interactions.models import Interaction, InteractionAnalysis
    from xinsheng.migrate import upgrade
    from xinsheng.notify.actions import do_enqueue
    from xinsheng.surveys.metrics import satisfaction_report

    engine = get_engine(f"sqlite:///{tempfile.mkdtemp(prefix='xinsheng-bench-')}/b.db")
    upgrade(engine)
    _fill(engine, args.customers, args.answers, args.contacts)
    rows = []
    with session_scope(engine) as s:
        do_create_user(s, username="owner", role="supervisor")
        topic = _action(s)
        topic.state, topic.shipped_on = "shipped", SHIP
        tp = _action(s, problem_kind="touchpoint", problem_ref="app", metric="csat")
        tp.state, tp.shipped_on = "shipped", SHIP
        rows.append(["evaluate topic_rate (365 days of topic_daily)",
                     f"{_median(lambda: evaluate(s, topic, now=NOW), args.runs) * 1000:.1f} ms",
                     f"{_median(lambda: s.scalar(select(func.count()).select_from(Customer)), args.runs) * 1000:.1f} ms",
                     "count(customers)"])
        sides = evaluate(s, tp, now=NOW)
        rows.append([f"evaluate csat ({args.answers:,} answers in 90 days; n {sides['before']['n']:,} before,"
                     f" {sides['after']['n']:,} after)",
                     f"{_median(lambda: evaluate(s, tp, now=NOW), args.runs) * 1000:.1f} ms",
                     f"{_median(lambda: satisfaction_report(s, since=NOW - timedelta(days=90), until=NOW), args.runs) * 1000:.1f} ms",
                     "satisfaction_report, 90 days"])
        window = LinkCustomers(raised_since=SHIP - timedelta(days=4), raised_until=SHIP - timedelta(days=1))
        do_link_customers(s, _action(s), window, now=NOW)  # warm
        fresh = _action(s)  # planned: linking tells nobody yet
        t = time.perf_counter()
        added = do_link_customers(s, fresh, window, now=NOW)
        linked = time.perf_counter() - t
        w0 = datetime.combine(SHIP - timedelta(days=4), dtime(), tzinfo=timezone.utc)
        count = _median(lambda: s.scalar(select(func.count()).select_from(Interaction).join(
            InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id).where(
            Interaction.started_at >= w0, Interaction.started_at < w0 + timedelta(days=4))), args.runs)
        rows.append([f"raisers of a topic ({args.contacts:,} contacts in 4 days → {added:,} linked)",
                     f"{linked * 1000:.0f} ms", f"{count * 1000:.1f} ms", "count of the window's analysed contacts"])
        do_enqueue(s, customer_id=1, purpose="improvement_shipped", key="bench:warm", now=NOW,
                   context={"change": "修复", "ref": "IA0"})
        ship = _action(s, customer_refs=[f"C{i}" for i in range(args.linked)])
        t = time.perf_counter()
        told = do_change_state(s, ship, "shipped", now=NOW, shipped_on=SHIP)
        shipped = time.perf_counter() - t
        ids = [cid for cid, in s.execute(select(Customer.id).order_by(Customer.id).offset(args.linked).limit(args.linked))]
        t = time.perf_counter()
        for cid in ids:
            do_enqueue(s, customer_id=cid, purpose="improvement_shipped", key=f"bench:{cid}", now=NOW,
                       context={"change": "修复", "ref": "IA0"})
        enqueue = time.perf_counter() - t
        rows.append([f"ship: tell {told:,} linked customers", f"{shipped:.2f} s ({told / shipped:,.0f}/s)",
                     f"{enqueue:.2f} s ({len(ids) / enqueue:,.0f}/s)", "do_enqueue alone, same count"])
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--customers", type=int, default=20_000)
    p.add_argument("--answers", type=int, default=400_000)
    p.add_argument("--contacts", type=int, default=40_000)
    p.add_argument("--linked", type=int, default=2_000)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    rows = run(args)
    print(json.dumps(machine()))
    print(markdown_table(["what", "improvements", "baseline", "baseline is"], rows))


if __name__ == "__main__":
    main()

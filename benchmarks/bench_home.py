"""The home page after sign-in: server time, before (the chart grouped every contact of
the last 90 days, the recent customers grouped every contact by customer, the total
counted the table) and after (daily counts kept at ingest; the newest contacts walked).

Runs the app in this process (FastAPI's TestClient: the time the server spends, no
network) on a loaded SQLite database, signed in as a supervisor (or an agent), and in
the same run, interleaved so both see the same machine load:

* **before** — the home page with its former queries: the chart ``GROUP BY
  date(started_at), channel`` over the contacts of the last 90 days, the recent customers
  ``GROUP BY customer_id`` over every contact, the total ``count(*)``;
* **after** — the home page as shipped (``channel_daily``: days × channels rows; the
  newest contacts read by the ``started_at`` index until 12 customers are found);

then each query of the home page on its own. Times are medians of ``--runs``.

    python benchmarks/bench_home.py [--db PATH] [--customers 5000] [--days 90] [--runs 15]
        [--scale K] [--role supervisor|agent] [--agent-ref A1022] [--json]

Without ``--db`` a demo bank of ``--customers``/``--days`` is generated first (the demo's
size is 5000/90). ``--db`` uses a loaded SQLite file written with the same
``XINSHENG_HOME``/``XINSHENG_PII_KEYS`` (``XINSHENG_MODE=demo`` reads the demo's keys).
``--scale K`` makes the bank K times larger first (changing the database): every contact is
copied K-1 times on the same day and channel (new external ids), then the daily counts are
counted afresh by the migration's backfill — a bank with K times the traffic.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
if not os.environ.get("XINSHENG_PII_KEYS"):
    os.environ.setdefault("XINSHENG_MODE", "demo")  # the demo's PII key, under XINSHENG_HOME

from sqlalchemy import func, select  # noqa: E402

from benchmarks._machine import machine, markdown_table  # noqa: E402

PASSWORD = "bench home password 1"
USER = "bench-home-{role}"


def old_daily_channel_volume(session, days: int = 90) -> list[tuple[str, str, int]]:
    """The chart's query before channel_daily (xinsheng before 0012_channel_daily)."""
    from xinsheng.interactions.models import Interaction

    latest = session.scalar(select(func.max(Interaction.started_at)))
    if latest is None:
        return []
    since = latest - timedelta(days=days)
    day = func.date(Interaction.started_at)
    stmt = (select(day, Interaction.channel, func.count()).where(Interaction.started_at >= since)
            .group_by(day, Interaction.channel).order_by(day))
    return [(str(d), ch, n) for d, ch, n in session.execute(stmt).all()]


def old_total_interactions(session) -> int:
    """The contacts total before channel_daily: a count of the table."""
    from xinsheng.interactions.models import Interaction

    return session.scalar(select(func.count()).select_from(Interaction)) or 0


def old_recently_contacted(session, viewer, limit: int = 12):
    """The recent customers before: every contact grouped by customer, the newest 12 maxima."""
    from xinsheng.customers.access import restrict
    from xinsheng.customers.models import Customer
    from xinsheng.customers.service import _list_item
    from xinsheng.interactions.models import Interaction

    last = func.max(Interaction.started_at).label("last")
    visible = restrict(select(Customer.id), viewer)
    sub = (select(Interaction.customer_id, last).where(Interaction.customer_id.is_not(None))
           .group_by(Interaction.customer_id).order_by(last.desc()).limit(limit))
    if visible.whereclause is not None:
        sub = sub.where(Interaction.customer_id.in_(visible))
    sub = sub.subquery()
    stmt = select(Customer).join(sub, sub.c.customer_id == Customer.id).order_by(sub.c.last.desc())
    return [_list_item(c, viewer) for c in session.scalars(stmt)]


#: what the home page called before this change, by the name shell/pages.py imports it under
BEFORE = {"daily_channel_volume": old_daily_channel_volume, "total_interactions": old_total_interactions,
          "recently_contacted": old_recently_contacted}


def prepare(db_url: str, customers: int, days: int, fresh: bool, role: str, agent_ref: str) -> dict:
    from xinsheng.db import get_engine, session_scope
    from xinsheng.identity.actions import do_create_user
    from xinsheng.identity.service import find_user
    from xinsheng.interactions.models import Interaction
    from xinsheng.migrate import upgrade

    engine = get_engine(db_url)
    upgrade(engine)  # an older database gets channel_daily (backfilled) here
    if fresh:
        from xinsheng.demo.generator import generate_bank
        from xinsheng.demo.load import load_bank

        t0 = time.perf_counter()
        load_bank(generate_bank(customers=customers, days=days, seed=42), engine)
        print(f"demo bank: {customers} customers, {days} days in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    with session_scope(engine) as session:
        if find_user(session, USER.format(role=role)) is None:
            extra = {"agent_ref": agent_ref} if role == "agent" else {}
            do_create_user(session, username=USER.format(role=role), role=role, password=PASSWORD,
                           display_name="bench", **extra)
        return {"contacts": session.scalar(select(func.count()).select_from(Interaction))}


def scale_up(db_url: str, k: int) -> None:
    """Copy every contact ``k - 1`` times (same time, channel and customer), then recount."""
    import importlib

    from sqlalchemy import delete, text

    from xinsheng.db import get_engine
    from xinsheng.interactions.actions import COLUMNS
    from xinsheng.interactions.models import ChannelDaily

    engine = get_engine(db_url)
    cols = ", ".join(COLUMNS)
    copied = ", ".join(f"external_id || '-x{{n}}'" if c == "external_id" else c for c in COLUMNS)
    with engine.begin() as conn:
        last = conn.execute(text("SELECT max(id) FROM interactions")).scalar()
        for n in range(1, k):
            conn.execute(text(f"INSERT INTO interactions ({cols}) SELECT {copied.format(n=n)} "
                              f"FROM interactions WHERE id <= :last"), {"last": last})
        conn.execute(delete(ChannelDaily))
        importlib.import_module("xinsheng.migrations.versions.0012_channel_daily").backfill(
            conn, ChannelDaily.__table__)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def signed_in_client(app, role: str):
    from fastapi.testclient import TestClient

    client = TestClient(app)
    page = client.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    res = client.post("/signin", data={"username": USER.format(role=role), "password": PASSWORD,
                                       "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert res.status_code == 303, res.text[:300]
    return client


def time_home(client) -> float:
    t0 = time.perf_counter()
    res = client.get("/", headers={"accept-encoding": "identity"})
    elapsed = time.perf_counter() - t0
    assert res.status_code == 200 and "plotly" in res.text.lower(), res.status_code
    return elapsed


def home_queries(engine, role: str, agent_ref: str) -> dict:
    """Each read of the home page, timed on its own (one call)."""
    from xinsheng.customers.service import count_customers, recently_contacted
    from xinsheng.db import session_scope
    from xinsheng.identity.service import find_user, user_principal
    from xinsheng.interactions import service as svc

    out = {}
    with session_scope(engine) as session:
        user = find_user(session, USER.format(role=role))
        me = user_principal(user)
        latest = svc.latest_contact_at(session)
        calls = {
            "chart, before: GROUP BY over contacts": lambda: old_daily_channel_volume(session),
            "chart, after: channel_daily": lambda: svc.daily_channel_volume(session),
            "contacts total, before: count(*)": lambda: old_total_interactions(session),
            "contacts total, after: sum of channel_daily": lambda: svc.total_interactions(session),
            "contacts, last 7 days": lambda: svc.contacts_in_week_before(session, latest),
            "customers total": lambda: count_customers(session),
            "newest contact": lambda: svc.latest_contact_at(session),
            "recent customers, before: GROUP BY customer": lambda: old_recently_contacted(session, me),
            "recent customers, after: newest contacts walked": lambda: recently_contacted(session, me),
        }
        for name, call in calls.items():
            t0 = time.perf_counter()
            call()
            out[name] = time.perf_counter() - t0
        assert _same_totals(old_daily_channel_volume(session), svc.daily_channel_volume(session))
        assert old_total_interactions(session) == svc.total_interactions(session)
        assert ({c.customer_ref for c in old_recently_contacted(session, me)}
                == {c.customer_ref for c in recently_contacted(session, me)})
    return out


def _same_totals(before: list, after: list) -> bool:
    """Both charts count the same contacts per channel, but for the edges of the window
    (before: UTC days from the newest contact minus 90 × 24 h; after: 90 whole Beijing days)."""
    per = lambda rows: {ch: sum(n for _, c, n in rows if c == ch) for _, ch, _ in rows}  # noqa: E731
    b, a = per(before), per(after)
    return b.keys() == a.keys() and all(abs(a[ch] - b[ch]) <= max(50, b[ch] * 0.03) for ch in b)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, help="a loaded SQLite database (default: a new demo bank)")
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--scale", type=int, default=1, help="make the bank this many times larger first")
    ap.add_argument("--role", choices=["supervisor", "agent"], default="supervisor")
    ap.add_argument("--agent-ref", default="A1022")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-home-"))
    db = args.db or tmp / "xinsheng.db"
    db_url = f"sqlite:///{db.resolve()}"
    os.environ.setdefault("XINSHENG_HOME", str(tmp / "home"))
    os.environ["XINSHENG_DATABASE_URL"] = db_url
    os.environ["XINSHENG_WORKER"] = "off"
    os.environ["XINSHENG_LOG_LEVEL"] = "WARNING"
    prepare(db_url, args.customers, args.days, fresh=args.db is None, role=args.role, agent_ref=args.agent_ref)
    if args.scale > 1:
        t0 = time.perf_counter()
        scale_up(db_url, args.scale)
        print(f"scaled ×{args.scale} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    size = prepare(db_url, args.customers, args.days, fresh=False, role=args.role, agent_ref=args.agent_ref)

    from xinsheng.app import create_app
    from xinsheng.db import get_engine
    from xinsheng.shell import pages

    app = create_app(db_url)
    shipped = {name: getattr(pages, name) for name in BEFORE}
    times: dict[str, list[float]] = {"before": [], "after": []}
    with signed_in_client(app, args.role) as client:
        time_home(client)  # warm-up: templates, catalogue, the first connection
        for _ in range(args.runs):  # interleaved
            for label, calls in (("before", BEFORE), ("after", shipped)):
                for name, call in calls.items():
                    setattr(pages, name, call)
                try:
                    times[label].append(time_home(client))
                finally:
                    for name, call in shipped.items():
                        setattr(pages, name, call)
    queries = [home_queries(get_engine(db_url), args.role, args.agent_ref) for _ in range(args.runs)]
    med = {k: statistics.median(v) for k, v in times.items()}
    parts = {k: statistics.median(q[k] for q in queries) for k in queries[0]}
    report = {"machine": machine(), "database": str(db), "contacts": size["contacts"], "runs": args.runs,
              "role": args.role, "home_s": med, "queries_s": parts}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    ms = lambda s: f"{s * 1000:,.1f} ms"  # noqa: E731
    print(f"\nHome page as {args.role} — {db.name}, {size['contacts']:,} contacts, median of {args.runs} "
          f"(before and after interleaved)\n")
    print(markdown_table(["home page (server time)", "median"],
                         [["before: GROUP BYs over the contacts", ms(med["before"])],
                          ["after: channel_daily, newest contacts walked", ms(med["after"])],
                          ["speed-up", f"{med['before'] / med['after']:.1f}×"]]))
    print()
    print(markdown_table(["one read of the home page", "median"], [[k, ms(v)] for k, v in parts.items()]))
    print("\nmachine:", json.dumps(report["machine"]))


if __name__ == "__main__":
    main()

"""A bank of millions for bench_profiles.py, generated inside SQLite with set-wise statements
(not through ingest, which would take hours): customers, contacts in time order with
pseudo-random customers (about ``contacts / customers`` each), a third of the spoken and
written ones analysed (30 % negative, 5 % complaints, 0.5 % vulnerable, anger spread 0–1),
two products per customer at two dates (deposits and a wealth product), a survey answer for
one customer in 20 and a complaint case for one in 100.

The interactions' indexes are dropped while filling and built again afterwards (building an
index from sorted keys is far faster than growing it by 50 million random inserts).
"""
from __future__ import annotations

import time
from datetime import datetime, timezone

from sqlalchemy import text

NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)
SPAN = 90 * 86400
_CHUNK = 5_000_000
_TS = "strftime('%Y-%m-%d %H:%M:%S', {}, 'unixepoch') || '.000000'"
_INTERACTION_INDEXES = ("ix_interactions_started", "ix_interactions_agent_started",
                        "ix_interactions_customer_started", "ix_interactions_channel_started")

_CUSTOMERS = f"""
INSERT INTO customers (id, customer_ref, birth_year, segment, risk_level, preferred_channel, attributes,
                       is_placeholder, created_at, updated_at)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :customers)
SELECT i, printf('C%07d', i), 1940 + i % 62,
       CASE WHEN i % 50 = 0 THEN 'private' WHEN i % 7 = 0 THEN 'affluent' ELSE 'mass' END,
       1 + i % 5, CASE i % 4 WHEN 0 THEN 'app' WHEN 1 THEN 'phone' WHEN 2 THEN 'branch' ELSE 'wechat' END,
       CASE WHEN i % 10 = 0 THEN json_object('opened', date(:now - (i % 400) * 86400, 'unixepoch')) ELSE '{{}}' END,
       0, {_TS.format(':now')}, {_TS.format(':now')} FROM n
"""

# k: the kind of contact; h: a hash of the contact's number
_CONTACTS = f"""
INSERT INTO interactions (id, source, external_id, customer_id, channel, started_at, direction, event, outcome,
                          attributes, pii, ingested_at)
WITH RECURSIVE n(i) AS (SELECT :lo UNION ALL SELECT i + 1 FROM n WHERE i < :hi),
     g AS (SELECT i, (i * 2654435761) % 4294967291 AS h FROM n)
SELECT i, 'bench', printf('b%09d', i), 1 + h % :customers,
       CASE WHEN k < 8 THEN 'app' WHEN k = 8 THEN 'web' WHEN k < 13 OR k IN (17, 18) THEN 'phone'
            WHEN k < 16 THEN 'wechat' WHEN k = 16 THEN 'branch' ELSE 'ivr' END,
       {_TS.format(':start + (i * :span) / :total')},
       CASE WHEN k IN (17, 18) THEN 'outbound' ELSE 'inbound' END,
       CASE WHEN k < 6 THEN 'login_success' WHEN k < 8 THEN 'login_failed' WHEN k = 8 THEN 'transfer_submitted' END,
       CASE WHEN k BETWEEN 9 AND 12 AND h % 50 = 0 THEN 'abandoned' WHEN k = 19 AND h % 10 = 0 THEN 'escalated'
            WHEN k BETWEEN 9 AND 12 THEN 'resolved' END,
       '{{}}', '[]', {_TS.format(':now')}
FROM (SELECT i, h, (h >> 8) % 20 AS k FROM g)
"""

_ANALYSES = f"""
INSERT INTO interaction_analysis (interaction_id, lang, sentiment_label, sentiment_score, emotions, topics, flags,
                                  keywords, model_version, analyzed_at)
SELECT id, 'zh', CASE WHEN (h >> 4) % 10 < 3 THEN 'negative' WHEN (h >> 4) % 10 < 7 THEN 'neutral' ELSE 'positive' END,
       0.0, json_object('anger', ((h >> 3) % 100) / 100.0), '[]',
       CASE WHEN r = 0 THEN '["complaint", "vulnerable_customer"]' WHEN r < 50 THEN '["complaint"]'
            WHEN r >= 995 THEN '["vulnerable_customer"]' ELSE '[]' END,
       '[]', 'bench', {_TS.format(':now')}
FROM (SELECT id, (id * 2654435761) % 4294967291 AS h, (id * 7907) % 1000 AS r FROM interactions
      WHERE id BETWEEN :lo AND :hi AND channel IN ('phone', 'wechat', 'branch'))
WHERE h % 3 = 0
"""

_HOLDINGS = f"""
INSERT INTO holdings (customer_id, as_of, product, category, balance_cny, risk_level, ingested_at)
SELECT c.id, date(:now - d.back * 86400, 'unixepoch'), p.product, p.category,
       CASE WHEN p.category = 'deposit' THEN 1000 + (c.id * 7919) % 400000
            WHEN d.back = 5 AND c.id % 25 = 0 THEN 0
            ELSE 10000 + (c.id * 104729 + d.back) % 2000000 END,
       CASE WHEN p.category = 'wealth' THEN 1 + c.id % 5 END, {_TS.format(':now')}
FROM customers c, (SELECT 100 AS back UNION ALL SELECT 5) d,
     (SELECT 'DEP' AS product, 'deposit' AS category UNION ALL SELECT 'WM', 'wealth') p
"""

_SURVEYS = f"""
INSERT INTO survey_responses (dedup_key, survey, metric, score, via, channel, segment, customer_id, answered_at,
                              analysis)
SELECT 'p' || id, 'nps', 'nps', id % 11, 'api', 'app', 'mass', id, {_TS.format(':now - (id % 200) * 86400')}, '{{}}'
FROM customers WHERE id % 20 = 0
"""

_CASES = f"""
INSERT INTO cases (case_ref, customer_id, kind, title, status, tier, authority_level, regulator_referred, opened_at,
                   accepted_at, sla_state, extensions, repeat_contacts, risk_score, attributes)
SELECT 'K' || id, id, 'complaint', 'bench', CASE WHEN id % 300 = 0 THEN 'open' ELSE 'closed' END, 1, 1, 0,
       {_TS.format(':now - (id % 150) * 86400')}, {_TS.format(':now - (id % 150) * 86400')}, 'on_track', 0,
       id % 2, 0.0, '{{}}'
FROM customers WHERE id % 100 = 0
"""


def _run(conn, sql: str, **params) -> None:
    conn.exec_driver_sql("SELECT 1")  # keeps the connection's pragmas
    conn.execute(text(sql), params)


def fill(engine, customers: int, contacts: int, log=print) -> dict:
    """Fill an empty, migrated SQLite database; returns seconds per step."""
    base = {"now": int(NOW.timestamp()), "customers": customers}
    steps: dict[str, float] = {}
    t = time.perf_counter()
    with engine.begin() as conn:
        _run(conn, _CUSTOMERS, **base)
        for name in _INTERACTION_INDEXES:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    steps["customers"] = time.perf_counter() - t
    t = time.perf_counter()
    for lo in range(1, contacts + 1, _CHUNK):
        hi = min(lo + _CHUNK - 1, contacts)
        with engine.begin() as conn:
            _run(conn, _CONTACTS, lo=lo, hi=hi, total=contacts, span=SPAN, start=base["now"] - SPAN, **base)
            _run(conn, _ANALYSES, lo=lo, hi=hi, now=base["now"])
        log(f"  filled {hi:,} of {contacts:,} contacts ({time.perf_counter() - t:,.0f} s)")
    steps["contacts"] = time.perf_counter() - t
    t = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE INDEX ix_interactions_customer_started ON interactions (customer_id, started_at)")
        conn.exec_driver_sql("CREATE INDEX ix_interactions_started ON interactions (started_at)")
        conn.exec_driver_sql("CREATE INDEX ix_interactions_agent_started ON interactions (agent_ref, started_at)")
        conn.exec_driver_sql("CREATE INDEX ix_interactions_channel_started ON interactions (channel, started_at)")
    steps["indexes"] = time.perf_counter() - t
    t = time.perf_counter()
    with engine.begin() as conn:
        _run(conn, _HOLDINGS, **base)
        _run(conn, _SURVEYS, **base)
        _run(conn, _CASES, **base)
        conn.exec_driver_sql("ANALYZE")
    steps["holdings, surveys, cases"] = time.perf_counter() - t
    return steps

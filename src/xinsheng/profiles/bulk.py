"""Set-wise profile states: what :func:`features.fold_contact` folds in one contact at a time,
computed for a range of customers by aggregate SQL over the stored contacts (the full rebuild).

The fold is order-free (counts, first and last, the largest 30 epochs of each list, the latest
vulnerable flag), so one ``GROUP BY`` over a customer range gives the state that folding every
contact one by one gives. The rules are the fold's, in SQL for SQLite and PostgreSQL:

* epoch: whole seconds since 1970 of ``started_at`` (truncated, as ``int(ts.timestamp())``);
* inbound: ``direction`` other than ``outbound`` (or none) and a channel;
* app/web use: an app or web contact with an event; failed: the event ends ``_failed`` or the
  outcome is failed, error or rejected;
* bad: outcome abandoned or escalated, negative sentiment, a complaint flag or anger ≥ 0.6
  (``features.is_bad``); negative; complaint; vulnerable: the analysis flags.

One scan per range, grouped by customer in the order of the customer index: inbound counts
per known channel (``customers.models.CHANNELS``; any other channel is counted separately for
the few customers who have one) and the epochs of bad, negative and complaint contacts as one
comma-separated string each, of which the largest 30 are kept.
"""
from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from xinsheng.customers.models import CHANNELS
from xinsheng.profiles.features import _BAD_OUTCOMES, _FAILED_OUTCOMES, _KEEP

_LISTS = ("bad", "neg", "cmp")

_SQL = {
    "sqlite": {
        "epoch": "CAST(strftime('%s', i.started_at) AS INTEGER)",
        "flag": "(instr(a.flags, '\"{0}\"') > 0 AND EXISTS (SELECT 1 FROM json_each(a.flags) "
                "WHERE json_each.value = '{0}'))",
        "anger": "CAST(json_extract(a.emotions, '$.anger') AS REAL)",
        "failed_event": "substr(i.event, -7) = '_failed'",
        "churn": "json_extract(state, '$.churn')",
    },
    "postgresql": {
        "epoch": "CAST(FLOOR(EXTRACT(EPOCH FROM i.started_at)) AS BIGINT)",
        "flag": "COALESCE(a.flags @> '[\"{0}\"]'::jsonb, false)",
        "anger": "CAST(a.emotions ->> 'anger' AS DOUBLE PRECISION)",
        "failed_event": "right(i.event, 7) = '_failed'",
        "churn": "state -> 'churn'",
    },
}


def _quoted(values) -> str:
    return ", ".join(f"'{v}'" for v in sorted(values))


def _base(dialect: str) -> str:
    """One row per contact of the range with the fold's flags (1/0)."""
    d = _SQL[dialect]
    cmp, vul = d["flag"].format("complaint"), d["flag"].format("vulnerable_customer")
    bad = (f"i.outcome IN ({_quoted(_BAD_OUTCOMES)}) OR a.sentiment_label = 'negative' OR {cmp}"
           f" OR COALESCE({d['anger']}, 0) >= 0.6")
    app = "i.channel IN ('app', 'web') AND i.event IS NOT NULL AND i.event <> ''"
    failed = f"{d['failed_event']} OR COALESCE(i.outcome IN ({_quoted(_FAILED_OUTCOMES)}), false)"
    return f"""
        SELECT i.customer_id AS cid, {d['epoch']} AS ep, i.channel AS channel,
               CASE WHEN (i.direction IS NULL OR i.direction <> 'outbound') AND i.channel IS NOT NULL
                         AND i.channel <> '' THEN 1 ELSE 0 END AS inbound,
               CASE WHEN {app} AND ({failed}) THEN 1 ELSE 0 END AS app_fail,
               CASE WHEN {app} AND NOT ({failed}) THEN 1 ELSE 0 END AS app_ok,
               CASE WHEN {bad} THEN 1 ELSE 0 END AS bad,
               CASE WHEN a.sentiment_label = 'negative' THEN 1 ELSE 0 END AS neg,
               CASE WHEN {cmp} THEN 1 ELSE 0 END AS cmp,
               CASE WHEN {vul} THEN 1 ELSE 0 END AS vul
        FROM interactions i LEFT JOIN interaction_analysis a ON a.interaction_id = i.id
        WHERE i.customer_id >= :lo AND i.customer_id < :hi"""


def _aggregate(dialect: str) -> str:
    """One row per customer: first, last, count, app outcomes, the latest vulnerable flag,
    inbound contacts per known channel (and how many in others) and the epochs of the bad,
    negative and complaint contacts (comma-separated)."""
    joined = ("group_concat({})" if dialect == "sqlite" else "string_agg(CAST({} AS TEXT), ',')")
    per_channel = ", ".join(f"SUM(CASE WHEN inbound = 1 AND channel = '{ch}' THEN 1 ELSE 0 END)" for ch in CHANNELS)
    lists = ", ".join(joined.format(f"CASE WHEN {k} = 1 THEN ep END") for k in _LISTS)
    return f"""
        SELECT cid, MIN(ep), MAX(ep), COUNT(*), SUM(app_ok), SUM(app_fail), MAX(CASE WHEN vul = 1 THEN ep END),
               {lists}, SUM(CASE WHEN inbound = 1 AND channel NOT IN ({_quoted(CHANNELS)}) THEN 1 ELSE 0 END),
               {per_channel}
        FROM ({_base(dialect)}) b GROUP BY cid"""


def contact_states(session: Session, lo: int, hi: int) -> dict[int, dict]:
    """The contact part of the state of every customer with ``lo <= id < hi`` who has contacts,
    from one aggregate scan of the range (in the order of the customer index)."""
    dialect = session.get_bind().dialect.name
    states: dict[int, dict] = {}
    others = []
    for cid, first, last, n, ok, fail, vul, *rest in session.execute(text(_aggregate(dialect)), {"lo": lo, "hi": hi}):
        state = states[cid] = {"c": {"first": int(first), "last": int(last), "n": int(n)}}
        if ok or fail:
            state["app"] = {"ok": int(ok), "fail": int(fail)}
        if vul is not None:
            state["vul"] = int(vul)
        for key, epochs in zip(_LISTS, rest[:3]):
            if epochs:
                state[key] = sorted(int(e) for e in epochs.split(","))[-_KEEP:]
        channels = {ch: int(k) for ch, k in zip(CHANNELS, rest[4:]) if k}
        if channels:
            state["ch"] = channels
        if rest[3]:
            others.append(cid)
    if others:  # channels outside the known ones (not sent by ingest): counted one customer at a time
        base = _base(dialect)
        stmt = text(f"SELECT cid, channel, COUNT(*) FROM ({base}) b WHERE inbound = 1 AND channel NOT IN "
                    f"({_quoted(CHANNELS)}) AND cid = :cid GROUP BY cid, channel")
        for cid in others:
            for _, channel, k in session.execute(stmt, {"lo": lo, "hi": hi, "cid": cid}):
                states[cid].setdefault("ch", {})[channel] = int(k)
    return states


def churn_states(session: Session, lo: int, hi: int) -> dict[int, dict]:
    """The churn scores kept in the states of the range (written by ``profiles churn``)."""
    dialect = session.get_bind().dialect.name
    expr = _SQL[dialect]["churn"]
    rows = session.execute(text(f"SELECT customer_id, {expr} FROM customer_profiles "
                                f"WHERE customer_id >= :lo AND customer_id < :hi AND {expr} IS NOT NULL"),
                           {"lo": lo, "hi": hi})
    return {cid: json.loads(v) if isinstance(v, str) else v for cid, v in rows}

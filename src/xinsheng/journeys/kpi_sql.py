"""The experience KPIs' SQL, written once in DuckDB's dialect (SQLGlot transpiles it for
PostgreSQL and Spark). It reads ``__CONTACTS__`` (see :mod:`xinsheng.analytics.contacts`)
and, for the journey grouping, ``__EVENTS__``; every aggregate runs in the engine and only
sums come back (the ratios are taken in Python, so both engines round alike).

Definitions (also on the page, in docs/journeys.md and the README):

* A **repeat contact** is a contact of an identified customer that comes at most
  :data:`REPEAT_MS` (7 days) after another contact of the same customer on the same topic
  (two contacts without a topic count as the same topic), on any service channel.
* **First-contact resolution (FCR)**: of the answered (not abandoned) contacts of identified
  customers that are not themselves repeats, the share after which the customer made no
  further contact on the same topic within 7 days. The 7 days may run past ``to``; a contact
  less than 7 days old may still turn out unresolved.
"""
from __future__ import annotations

from xinsheng.analytics.engine import sql_str

__all__ = ["REPEAT_MS", "METRIC_COLUMNS", "kpi_sql"]

REPEAT_MS = 7 * 86_400_000
_NOT_ABANDONED = "COALESCE(p.outcome, '') <> 'abandoned'"
_FIRST = f"p.customer_id IS NOT NULL AND (p.prev_t IS NULL OR p.t - p.prev_t > {REPEAT_MS})"
#: the sums every query answers, in this order (after the group key)
METRICS = (
    ("contacts", "COUNT(*)"),
    ("abandoned", f"SUM(CASE WHEN NOT ({_NOT_ABANDONED}) THEN 1 ELSE 0 END)"),
    ("identified", "SUM(CASE WHEN p.customer_id IS NOT NULL THEN 1 ELSE 0 END)"),
    ("repeats", f"SUM(CASE WHEN p.customer_id IS NOT NULL AND p.t - p.prev_t <= {REPEAT_MS} THEN 1 ELSE 0 END)"),
    ("first_answered", f"SUM(CASE WHEN {_FIRST} AND {_NOT_ABANDONED} THEN 1 ELSE 0 END)"),
    ("first_resolved", f"SUM(CASE WHEN {_FIRST} AND {_NOT_ABANDONED} "
                       f"AND (p.next_t IS NULL OR p.next_t - p.t > {REPEAT_MS}) THEN 1 ELSE 0 END)"),
    ("handle_ms", f"SUM(CASE WHEN p.end_t >= p.t AND {_NOT_ABANDONED} THEN p.end_t - p.t END)"),
    ("handled", f"SUM(CASE WHEN p.end_t >= p.t AND {_NOT_ABANDONED} THEN 1 ELSE 0 END)"),
    ("wait_s", "SUM(p.wait_s)"),
    ("waited", "COUNT(p.wait_s)"),
    ("analysed", "SUM(p.analysed)"),
    ("sentiment_sum", "SUM(CASE WHEN p.analysed = 1 THEN p.sentiment END)"),
    ("negative", "SUM(CASE WHEN p.analysed = 1 THEN p.negative ELSE 0 END)"),
    ("complaints", "SUM(p.complaint)"),
)
METRIC_COLUMNS = tuple(name for name, _ in METRICS)


def _base(t_from: int, t_to: int, cond: str) -> list[str]:
    """CTEs ``s`` (every contact near the period with its previous and next contact time on
    the same customer and topic) and ``p`` (those in the period)."""
    part = "PARTITION BY customer_id, k ORDER BY t, id"
    return [
        f"c AS (SELECT e.id AS id, e.customer_id AS customer_id, e.channel AS channel, e.event AS event, e.t AS t, "
        f"e.end_t AS end_t, e.outcome AS outcome, COALESCE(e.topic, '') AS k, e.wait_s AS wait_s, "
        f"e.analysed AS analysed, e.sentiment AS sentiment, e.negative AS negative, e.complaint AS complaint, "
        f"e.segment AS segment FROM __CONTACTS__ AS e "
        f"WHERE e.t >= {t_from - REPEAT_MS} AND e.t < {t_to + REPEAT_MS}{cond})",
        f"s AS (SELECT c.*, LAG(t) OVER ({part}) AS prev_t, LEAD(t) OVER ({part}) AS next_t FROM c)",
        f"p AS (SELECT * FROM s WHERE t >= {t_from} AND t < {t_to})",
    ]


def _journey_cte(journeys) -> str:
    """``jc(id, g)``: a contact belongs to a journey when it is on one of the journey's help
    channels (and topics, when named) and the customer had one of its step events in the
    ``help_hours`` before it."""
    parts = []
    for j in journeys:
        by_channel: dict[str, list[str]] = {}
        for s in j.steps:
            by_channel.setdefault(s.channel, []).append(s.event)
        steps = " OR ".join(f"(x.channel = {sql_str(ch)} AND x.event IN ({', '.join(map(sql_str, evs))}))"
                            for ch, evs in by_channel.items())
        topics = f" AND p.k IN ({', '.join(map(sql_str, j.help_topics))})" if j.help_topics else ""
        parts.append(
            f"SELECT p.id AS id, {sql_str(j.name)} AS g FROM p WHERE p.customer_id IS NOT NULL "
            f"AND p.channel IN ({', '.join(map(sql_str, j.help_channels))}){topics} "
            f"AND EXISTS (SELECT 1 FROM __EVENTS__ AS x WHERE x.customer_id = p.customer_id "
            f"AND x.t <= p.t AND x.t >= p.t - {int(j.help_hours) * 3_600_000} AND ({steps}))")
    return "jc AS (" + " UNION ALL ".join(parts) + ")"


def kpi_sql(t_from: int, t_to: int, by: str | None, cond: str = "", *, buckets: list[tuple[int, int]] = (),
            journeys=()) -> str:
    """Rows (group, *METRIC_COLUMNS). ``by``: None (one row, group 'all'), ``channel``,
    ``touchpoint`` (channel:event), ``segment``, ``journey`` (with ``journeys``) or ``time``
    (with ``buckets``: [start, end) ms pairs; the group is the bucket's start)."""
    ctes = _base(t_from, t_to, cond)
    sums = ", ".join(f"{expr} AS {name}" for name, expr in METRICS)
    src, key = "p", "'all'"
    if by == "channel":
        key = "p.channel"
    elif by == "touchpoint":
        key = "p.channel || ':' || COALESCE(p.event, '')"
    elif by == "segment":
        key = "COALESCE(p.segment, 'unknown')"
    elif by == "journey":
        if not journeys:
            return "SELECT 'none' AS g WHERE 1 = 0"
        ctes.append(_journey_cte(journeys))
        src, key = "p JOIN jc ON jc.id = p.id", "jc.g"
    elif by == "time":
        rows = ", ".join(f"({int(a)}, {int(b)})" for a, b in buckets) or f"({t_from}, {t_to})"
        ctes.append(f"b(lo, hi) AS (VALUES {rows})")
        src, key = "p JOIN b ON p.t >= b.lo AND p.t < b.hi", "CAST(b.lo AS VARCHAR)"
    return f"WITH {', '.join(ctes)} SELECT {key} AS g, {sums} FROM {src} GROUP BY 1 ORDER BY 1"

"""The journey queries, written once in DuckDB's SQL dialect (SQLGlot transpiles them for
PostgreSQL and Spark). Times are milliseconds since the epoch (UTC), so windows that cross
midnight or time zones need nothing special.

Furthest-step rule (CONTRACT.md "Journeys"): an attempt starts at any step-1 event in the
period; it reaches step k when there are events of steps 2..k, each strictly after the one
before and at most ``window`` after the attempt's step 1. A customer counts at every step
up to the furthest step any of their attempts reaches.

The SQL finds that without a range join: for each step-k event, the latest start of an
attempt that has reached step k−1 strictly before it is a running MAX over the customer's
earlier rows (``RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING`` on the millisecond
clock); the latest start is the one with the most window left, so if it is out of window
every other start is too. One window pass per step, over the funnel's events only.
"""
from __future__ import annotations

from xinsheng.analytics.engine import sql_str
from xinsheng.journeys.definitions import Step

__all__ = ["funnel_sql", "paths_sql", "help_sql", "segment_condition", "SEGMENTS"]

_FRAME = "(PARTITION BY c ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
_SHIFT = 2 ** 48  # ms since the period's start, below 2^48 (8,900 years)
#: segment filters on the events relation (``e``); ``elderly``: 65 or older in the period's year
SEGMENTS = ("all", "elderly", "mass", "affluent", "private")


def segment_condition(segment: str | None, year: int) -> str:
    if not segment or segment == "all":
        return ""
    if segment == "elderly":
        return f" AND e.birth_year <= {int(year) - 65}"
    return f" AND e.segment = {sql_str(segment)}"


def _steps_values(steps: tuple[Step, ...]) -> str:
    rows = ", ".join(f"({i}, {sql_str(s.channel)}, {sql_str(s.event)})" for i, s in enumerate(steps, 1))
    return f"steps(step, channel, event) AS (VALUES {rows})"


def _pushdown(steps: tuple[Step, ...]) -> str:
    """The steps' channels and events as plain IN filters, so the scan skips what cannot match
    (Parquet row groups by their min/max, PostgreSQL rows before the join)."""
    chans = ", ".join(sql_str(c) for c in sorted({s.channel for s in steps}))
    events = ", ".join(sql_str(e) for e in sorted({s.event for s in steps}))
    return f" AND e.channel IN ({chans}) AND e.event IN ({events})"


def _passes(n: int, window_ms: int) -> list[str]:
    """The CTEs p2..pn: each gives step k's rows their attempt start ``b`` and gap ``g``."""
    ctes = []
    for k in range(2, n + 1):
        prev = f"p{k - 1}"
        ctes.append(
            f"p{k} AS (SELECT c, t, step, "
            f"CASE WHEN step = {k} THEN (CASE WHEN t <= m + {window_ms} THEN m END) ELSE b END AS b, "
            f"CASE WHEN step = {k} AND t <= m + {window_ms} THEN t - lt ELSE g END AS g "
            f"FROM (SELECT c, t, step, b, g, "
            f"MAX(CASE WHEN step = {k - 1} THEN b END) OVER {_FRAME} AS m, "
            f"MAX(CASE WHEN step = {k - 1} AND b IS NOT NULL THEN t END) OVER {_FRAME} AS lt "
            f"FROM {prev}) AS x{k})")
    return ctes


def _asof(events: str, steps: tuple[Step, ...], window_ms: int, t_from: int, t_to: int, seg: str) -> list[str]:
    """DuckDB: the same answer by ASOF joins (sort-merge, no window frames). Among the valid
    rows of a step, the attempt start ``b`` never decreases with time (a later row has every
    earlier row's candidates), so the latest earlier valid row of step k−1 carries the
    maximum: exactly what ``ASOF JOIN … ON e.k > p.k`` finds. ``k`` packs (customer, time)
    into one HUGEINT (customer × 2^48 + milliseconds since ``t_from``), so the join is one
    merge over a single sort key instead of a hash partition per customer; a match of
    another customer is dropped by ``p.c = e.c``. Each step reads its own events straight
    from the lake (an equality filter on channel and event: only that step's row groups)."""
    key = f"CAST(e.customer_id AS HUGEINT) * {_SHIFT} + (e.t - {int(t_from)})"

    def scan(step: Step, t_end: int) -> str:
        return (f"(SELECT e.customer_id AS c, e.t AS t, {key} AS k FROM {events} AS e "
                f"WHERE e.channel = {sql_str(step.channel)} AND e.event = {sql_str(step.event)} "
                f"AND e.customer_id IS NOT NULL AND e.t >= {int(t_from)} AND e.t < {int(t_end)}{seg})")

    ctes = [f"v1 AS (SELECT c, t, k, t AS b, CAST(NULL AS BIGINT) AS g FROM {scan(steps[0], t_to)} AS e)"]
    for k in range(2, len(steps) + 1):
        ctes.append(f"v{k} AS (SELECT e.c AS c, e.t AS t, e.k AS k, p.b AS b, e.t - p.t AS g "
                    f"FROM {scan(steps[k - 1], t_to + window_ms)} AS e "
                    f"ASOF JOIN v{k - 1} AS p ON e.k > p.k WHERE p.c = e.c AND e.t <= p.b + {window_ms})")
    union = " UNION ALL ".join(f"SELECT c, t, {k} AS step, b, g FROM v{k}" for k in range(1, len(steps) + 1))
    return ctes + [f"valid AS ({union})"]


def _reached(events: str, steps: tuple[Step, ...], window_ms: int, t_from: int, t_to: int, seg: str,
             asof: bool = False) -> list[str]:
    """CTEs up to ``valid``: every funnel event that is part of an attempt, with its step and gap."""
    n = len(steps)
    ctes = [_steps_values(steps)]
    if asof:
        ctes += _asof(events, steps, window_ms, t_from, t_to, seg)
    else:
        ctes.append(f"ev AS (SELECT e.customer_id AS c, e.t AS t, s.step AS step FROM {events} AS e "
                    f"JOIN steps AS s ON e.channel = s.channel AND e.event = s.event "
                    f"WHERE e.customer_id IS NOT NULL AND e.t >= {t_from} AND e.t < {t_to + window_ms}"
                    f"{_pushdown(steps)}{seg})")
        ctes.append(f"p1 AS (SELECT c, t, step, CASE WHEN step = 1 AND t < {t_to} THEN t END AS b, "
                    f"CAST(NULL AS BIGINT) AS g FROM ev)")
        ctes += _passes(n, window_ms)
        ctes.append(f"valid AS (SELECT c, t, step, b, g FROM p{n} WHERE b IS NOT NULL)")
    ctes.append("best AS (SELECT c, MAX(step) AS furthest, MIN(CASE WHEN step = 1 THEN t END) AS started, "
                "MAX(t) AS last_t FROM valid GROUP BY c)")
    return ctes


def funnel_sql(events: str, steps: tuple[Step, ...], window_ms: int, t_from: int, t_to: int, seg: str = "",
               *, asof: bool = False) -> str:
    """Rows (step, customers, median gap ms, p90 gap ms), one per step in order."""
    if asof:
        return _funnel_asof(events, steps, window_ms, t_from, t_to, seg)
    ctes = _reached(events, steps, window_ms, t_from, t_to, seg, asof)
    ctes.append("firsts AS (SELECT step, g FROM (SELECT step, g, "
                "ROW_NUMBER() OVER (PARTITION BY c, step ORDER BY t) AS rn FROM valid WHERE step > 1) AS f "
                "WHERE rn = 1)")
    ctes.append("counts AS (SELECT s.step AS step, COUNT(b.c) AS customers FROM steps AS s "
                "LEFT JOIN best AS b ON b.furthest >= s.step GROUP BY s.step)")
    ctes.append("gaps AS (SELECT step, QUANTILE_CONT(g, 0.5) AS med, QUANTILE_CONT(g, 0.9) AS p90 "
                "FROM firsts GROUP BY step)")
    return ("WITH " + ", ".join(ctes) +
            " SELECT counts.step, counts.customers, gaps.med, gaps.p90 FROM counts "
            "LEFT JOIN gaps ON gaps.step = counts.step ORDER BY counts.step")


def _funnel_asof(events: str, steps: tuple[Step, ...], window_ms: int, t_from: int, t_to: int, seg: str) -> str:
    """DuckDB's funnel: a customer's furthest step is at least k exactly when they have a
    valid step-k row, so each step's count is the distinct customers of ``v{k}``, and its
    gap is the one of the customer's first row there (``arg_min``); no union, no window."""
    n = len(steps)
    ctes = _reached(events, steps, window_ms, t_from, t_to, seg, True)[:-2]  # up to v{n}
    per_step = " UNION ALL ".join(
        ["SELECT 1 AS step, COUNT(DISTINCT c) AS customers, CAST(NULL AS DOUBLE) AS med, CAST(NULL AS DOUBLE) AS p90 "
         "FROM v1"] +
        [f"SELECT {k} AS step, COUNT(*) AS customers, QUANTILE_CONT(g, 0.5) AS med, QUANTILE_CONT(g, 0.9) AS p90 "
         f"FROM (SELECT c, ARG_MIN(g, t) AS g FROM v{k} GROUP BY c) AS f{k}" for k in range(2, n + 1)])
    return "WITH " + ", ".join(ctes) + f" {per_step} ORDER BY step"


def paths_sql(events: str, steps: tuple[Step, ...], window_ms: int, t_from: int, t_to: int, seg: str = "",
              *, depth: int = 3, horizon_ms: int = 86_400_000, limit: int = 200, asof: bool = False) -> str:
    """Rows (furthest step, next1, next2, …, customers) for customers who did not finish:
    the first ``depth`` events on any channel within ``horizon_ms`` after the first time
    they reached the step they got no further than, leaving out the funnel's own step
    events (a retry is part of the journey), most common paths first."""
    n = len(steps)
    ctes = _reached(events, steps, window_ms, t_from, t_to, seg, asof)
    ctes.append(f"dropped AS (SELECT b.c AS c, b.furthest AS furthest, MIN(v.t) AS drop_t FROM best AS b "
                f"JOIN valid AS v ON v.c = b.c AND v.step = b.furthest WHERE b.furthest < {n} "
                f"GROUP BY b.c, b.furthest)")
    ctes.append(f"nxt AS (SELECT d.c AS c, d.furthest AS furthest, e.channel || ':' || e.event AS ev, "
                f"ROW_NUMBER() OVER (PARTITION BY d.c ORDER BY e.t, e.id) AS rn "
                f"FROM dropped AS d JOIN {events} AS e ON e.customer_id = d.c "
                f"AND e.t > d.drop_t AND e.t <= d.drop_t + {horizon_ms} "
                f"WHERE NOT EXISTS (SELECT 1 FROM steps AS s WHERE s.channel = e.channel AND s.event = e.event))")
    cols = ", ".join(f"MAX(CASE WHEN rn = {i} THEN ev END) AS n{i}" for i in range(1, depth + 1))
    ctes.append(f"seqs AS (SELECT d.c AS c, d.furthest AS furthest, {cols} FROM dropped AS d "
                f"LEFT JOIN nxt ON nxt.c = d.c AND nxt.rn <= {depth} GROUP BY d.c, d.furthest)")
    names = ", ".join(f"n{i}" for i in range(1, depth + 1))
    return (f"WITH {', '.join(ctes)} SELECT furthest, {names}, COUNT(*) AS customers FROM seqs "
            f"GROUP BY furthest, {names} ORDER BY customers DESC, furthest, {names} LIMIT {int(limit)}")


def help_sql(events: str, steps: tuple[Step, ...], window_ms: int, t_from: int, t_to: int, seg: str,
             channels: tuple[str, ...], hours: int, topics: tuple[str, ...], *, asof: bool = False) -> str:
    """Rows (furthest step, customers, helped): a customer needed help when a contact on a
    help channel (and topic, when the journey names topics) came between their first step 1
    and ``hours`` after their last step."""
    ctes = _reached(events, steps, window_ms, t_from, t_to, seg, asof)
    chans = ", ".join(sql_str(c) for c in channels) or "''"
    topic_cond = f" AND h.topic IN ({', '.join(sql_str(t) for t in topics)})" if topics else ""
    ctes.append(f"helped AS (SELECT DISTINCT b.c AS c FROM best AS b JOIN {events} AS h ON h.customer_id = b.c "
                f"AND h.t >= b.started AND h.t <= b.last_t + {int(hours) * 3_600_000} "
                f"AND h.channel IN ({chans}){topic_cond})")
    return ("WITH " + ", ".join(ctes) + " SELECT b.furthest, COUNT(*) AS customers, COUNT(h.c) AS helped "
            "FROM best AS b LEFT JOIN helped AS h ON h.c = b.c GROUP BY b.furthest ORDER BY b.furthest")

"""Per step of a journey: the contacts of the customers who stopped there (on the journey's
help channels and topics, from their first step 1 to ``help_hours`` after their last step,
as for the help-needed rate), with their repeat-contact rate, first-contact resolution and
sentiment (definitions in :mod:`xinsheng.journeys.kpi_sql`)."""
from __future__ import annotations

from xinsheng.analytics.contacts import refresh_contacts, run_sql
from xinsheng.analytics.engine import sql_str
from xinsheng.journeys import queries
from xinsheng.journeys.kpi_sql import REPEAT_MS

__all__ = ["step_kpis_sql", "step_kpis"]

_PART = "PARTITION BY customer_id, k ORDER BY t, id"


def step_kpis_sql(req, channels: tuple[str, ...], hours: int, topics: tuple[str, ...], *, asof: bool) -> str:
    """Rows (furthest step, customers, contacts, customers with a contact, repeats,
    first answered, first resolved, analysed, sentiment sum, negative)."""
    window_ms, hours_ms = req.window_s * 1000, int(hours) * 3_600_000
    seg = queries.segment_condition(req.segment, req.end.year)
    ctes = queries._reached("__EVENTS__", req.steps, window_ms, req.t_from, req.t_to, seg, asof)
    lo, hi = req.t_from - REPEAT_MS, req.t_to + window_ms + hours_ms + REPEAT_MS
    chans = ", ".join(map(sql_str, channels)) or "''"
    topic_cond = f" AND s.k IN ({', '.join(map(sql_str, topics))})" if topics else ""
    ctes += [
        f"cx AS (SELECT e.id AS id, e.customer_id AS customer_id, e.channel AS channel, e.t AS t, e.outcome AS outcome, "
        f"COALESCE(e.topic, '') AS k, e.analysed AS analysed, e.sentiment AS sentiment, e.negative AS negative "
        f"FROM __CONTACTS__ AS e WHERE e.customer_id IS NOT NULL AND e.t >= {lo} AND e.t < {hi})",
        f"s AS (SELECT cx.*, LAG(t) OVER ({_PART}) AS prev_t, LEAD(t) OVER ({_PART}) AS next_t FROM cx)",
        f"rel AS (SELECT b.furthest AS furthest, s.* FROM best AS b JOIN s ON s.customer_id = b.c "
        f"AND s.t >= b.started AND s.t <= b.last_t + {hours_ms} AND s.channel IN ({chans}){topic_cond})",
        "cust AS (SELECT furthest, COUNT(*) AS customers FROM best GROUP BY furthest)",
        "agg AS (SELECT furthest, COUNT(*) AS contacts, COUNT(DISTINCT customer_id) AS contacted, "
        f"SUM(CASE WHEN t - prev_t <= {REPEAT_MS} THEN 1 ELSE 0 END) AS repeats, "
        f"SUM(CASE WHEN (prev_t IS NULL OR t - prev_t > {REPEAT_MS}) AND COALESCE(outcome, '') <> 'abandoned' "
        "THEN 1 ELSE 0 END) AS first_answered, "
        f"SUM(CASE WHEN (prev_t IS NULL OR t - prev_t > {REPEAT_MS}) AND COALESCE(outcome, '') <> 'abandoned' "
        f"AND (next_t IS NULL OR next_t - t > {REPEAT_MS}) THEN 1 ELSE 0 END) AS first_resolved, "
        "SUM(analysed) AS analysed, SUM(CASE WHEN analysed = 1 THEN sentiment END) AS sentiment_sum, "
        "SUM(CASE WHEN analysed = 1 THEN negative ELSE 0 END) AS negative FROM rel GROUP BY furthest)",
    ]
    return ("WITH " + ", ".join(ctes) + " SELECT cust.furthest, cust.customers, agg.contacts, agg.contacted, "
            "agg.repeats, agg.first_answered, agg.first_resolved, agg.analysed, agg.sentiment_sum, agg.negative "
            "FROM cust LEFT JOIN agg ON agg.furthest = cust.furthest ORDER BY cust.furthest")


def _rate(x: int, n: int) -> float:
    return round(x / n, 4) if n else 0.0


def step_kpis(eng, db, req, home=None) -> dict:
    """{"steps": [one row per step, in order: customers who stopped there (or finished, at the
    last step) and their related contacts' figures]}."""
    if eng.kind == "duckdb" and home is not None:
        refresh_contacts(db, home)
    j = req.journey
    channels, hours, topics = (j.help_channels, j.help_hours, j.help_topics) if j else (("phone", "chat", "wechat"), 24, ())
    sql = step_kpis_sql(req, channels, hours, topics, asof=eng.kind == "duckdb")
    lo = req.t_from - REPEAT_MS
    hi = req.t_to + req.window_s * 1000 + hours * 3_600_000 + REPEAT_MS
    found = {int(r[0]): r[1:] for r in run_sql(eng, sql, lo, hi)}
    out = []
    for i, step in enumerate(req.steps, 1):
        cust, contacts, contacted, rep, fa, fr, an, ssum, neg = (int(v or 0) if k != 7 else float(v or 0)
                                                                 for k, v in enumerate(found.get(i, (0,) * 9)))
        out.append({"stopped_at": step.code, "customers": cust, "contacted": contacted,
                    "help_rate": _rate(contacted, cust), "contacts": contacts, "repeat_contacts": rep,
                    "repeat_rate": _rate(rep, contacts), "fcr": _rate(fr, fa), "fcr_of": fa,
                    "sentiment": round(ssum / an, 3) if an else None, "negative_share": _rate(neg, an),
                    "analysed": an})
    return {"steps": out, "channels": list(channels), "within_hours": hours, "topics": list(topics),
            "repeat_window_days": REPEAT_MS // 86_400_000, "engine": eng.kind}

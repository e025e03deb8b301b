"""Experience KPIs (体验指标): contact volume, FCR, repeat contacts, handle and wait time,
abandonment, complaints per 10,000 customers, sentiment and the surveys' NPS/CSAT/CES, for a
period, by a grouping, over time, against the previous period and a baseline.

Contacts are aggregated in SQL by :mod:`xinsheng.journeys.kpi_sql` on the analytic engine;
the survey answers and the customer count are aggregated by SQL on the database (the
surveys domain is a sibling: its table is read, its code is not imported).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text

from xinsheng.analytics.contacts import refresh_contacts, run_sql
from xinsheng.errors import InvalidInput
from xinsheng.journeys.kpi_sql import METRIC_COLUMNS, REPEAT_MS, kpi_sql
from xinsheng.journeys.queries import SEGMENTS, segment_condition

__all__ = ["BY", "KpiRequest", "kpi_request", "experience", "kpi_figures", "contact_sums", "customer_ids"]

BY = ("channel", "touchpoint", "segment", "journey", "day", "week")


@dataclass(frozen=True)
class KpiRequest:
    start: datetime
    end: datetime
    by: str | None = None
    segment: str = "all"
    baseline: tuple[datetime, datetime] | None = None
    customer_ids: tuple[int, ...] | None = None  # a group of customers (A/B), None: everyone


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def kpi_request(start, end, by=None, segment=None, baseline=None, customer_ids=None) -> KpiRequest:
    if by and by not in BY:
        raise InvalidInput(f"by: one of {', '.join(BY)}", data={"field": "by"})
    seg = segment or "all"
    if seg not in SEGMENTS:
        raise InvalidInput(f"segment: one of {', '.join(SEGMENTS)}", data={"field": "segment"})
    if baseline and baseline[0] >= baseline[1]:
        raise InvalidInput("baseline_from: is not before baseline_to", data={"field": "baseline_from"})
    return KpiRequest(start, end, by or None, seg, baseline, customer_ids)


def _cond(req: KpiRequest) -> str:
    cond = segment_condition(req.segment, req.end.year)
    if req.customer_ids is not None:
        cond += f" AND e.customer_id IN ({', '.join(str(int(i)) for i in req.customer_ids) or 'NULL'})"
    return cond


def contact_sums(eng, req: KpiRequest, start: datetime, end: datetime, by: str | None, *, buckets=(),
                 journeys=()) -> dict[str, dict]:
    """{group: {metric sum: int|float}} of the contacts in [start, end)."""
    lo, hi = _ms(start), _ms(end)
    hours = max((j.help_hours for j in journeys), default=0) * 3_600_000
    sql = kpi_sql(lo, hi, by, _cond(req), buckets=buckets, journeys=journeys)
    rows = run_sql(eng, sql, lo - max(REPEAT_MS, hours), hi + REPEAT_MS)
    floats = ("wait_s", "sentiment_sum")  # PostgreSQL's SUM of integers is NUMERIC: same numbers as plain types
    return {str(r[0]): {k: (float(v or 0) if k in floats else int(v or 0)) for k, v in zip(METRIC_COLUMNS, r[1:])}
            for r in rows}


def _rate(x, n) -> float:
    return round(x / n, 4) if n else 0.0


def kpi_figures(s: dict | None, customers: int) -> dict:
    """The KPIs from the sums (zeros when there is nothing)."""
    s = s or dict.fromkeys(METRIC_COLUMNS, 0)
    return {
        "contacts": int(s["contacts"]),
        "abandoned": int(s["abandoned"]), "abandonment_rate": _rate(s["abandoned"], s["contacts"]),
        "repeat_contacts": int(s["repeats"]), "repeat_rate": _rate(s["repeats"], s["identified"]),
        "fcr": _rate(s["first_resolved"], s["first_answered"]), "fcr_resolved": int(s["first_resolved"]),
        "fcr_of": int(s["first_answered"]),
        "handle_seconds": round(s["handle_ms"] / 1000 / s["handled"], 1) if s["handled"] else None,
        "handle_n": int(s["handled"]),
        "wait_seconds": round(float(s["wait_s"]) / s["waited"], 1) if s["waited"] else None,
        "wait_n": int(s["waited"]),
        "sentiment": round(float(s["sentiment_sum"]) / s["analysed"], 3) if s["analysed"] else None,
        "negative_share": _rate(s["negative"], s["analysed"]), "analysed": int(s["analysed"]),
        "complaints": int(s["complaints"]),
        "complaints_per_10k": round(s["complaints"] * 10_000 / customers, 2) if customers else 0.0,
    }


def customer_count(db, req: KpiRequest) -> int:
    """The customers on the books (the complaint rate's denominator), of the segment/group."""
    cond = _cond(req)
    with db.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM customers AS e WHERE 1 = 1{cond.replace('e.customer_id', 'e.id')}"))
                   .scalar_one())


def survey_figures(db, req: KpiRequest, start: datetime, end: datetime, by: str | None) -> dict:
    """{group: {nps|csat|ces: {value, n}}} from ``survey_responses`` (by channel or segment)."""
    col = {"channel": "r.channel", "segment": "COALESCE(e.segment, 'unknown')"}.get(by, "'all'")
    cond = _cond(req).replace("e.customer_id", "r.customer_id")
    sql = (f"SELECT {col} AS g, r.metric, COUNT(*), SUM(CASE WHEN r.score >= 9 THEN 1 ELSE 0 END), "
           f"SUM(CASE WHEN r.score <= 6 THEN 1 ELSE 0 END), SUM(CASE WHEN r.score >= 4 THEN 1 ELSE 0 END), "
           f"SUM(r.score) FROM survey_responses AS r LEFT JOIN customers AS e ON e.id = r.customer_id "
           f"WHERE r.answered_at >= :lo AND r.answered_at < :hi{cond} GROUP BY 1, 2")
    out: dict[str, dict] = {}
    with db.connect() as conn:
        rows = conn.execute(text(sql), {"lo": start, "hi": end}).all()
    for g, metric, n, prom, det, sat, total in rows:
        if metric not in ("nps", "csat", "ces") or not n:
            continue
        value = {"nps": (prom - det) * 100 / n, "csat": sat * 100 / n, "ces": (total or 0) / n}[metric]
        out.setdefault(str(g), {})[metric] = {"value": round(value, 1 if metric != "ces" else 2), "n": int(n)}
    return out


def _empty_surveys() -> dict:
    return {m: {"value": None, "n": 0} for m in ("nps", "csat", "ces")}


def buckets(start: datetime, end: datetime, tz_name: str, unit: str | None = None) -> tuple[str, list[tuple[int, int]]]:
    """Day (or, over 62 days, week) buckets in the bank's time zone, clipped to the period."""
    tz = ZoneInfo(tz_name)
    unit = unit or ("day" if end - start <= timedelta(days=62) else "week")
    d = start.astimezone(tz).date()
    if unit == "week":
        d -= timedelta(days=d.weekday())
    out = []
    while True:
        lo = datetime(d.year, d.month, d.day, tzinfo=tz)
        d += timedelta(days=1 if unit == "day" else 7)
        hi = datetime(d.year, d.month, d.day, tzinfo=tz)
        if lo >= end:
            break
        out.append((_ms(max(lo, start)), _ms(min(hi, end))))
        if len(out) > 400:
            break
    return unit, out


def _period_doc(eng, db, req, start, end, customers) -> dict:
    sums = contact_sums(eng, req, start, end, None)
    doc = {"from": start.isoformat(), "to": end.isoformat(), **kpi_figures(sums.get("all"), customers)}
    doc.update(survey_figures(db, req, start, end, None).get("all", {}) or {})
    for m, v in _empty_surveys().items():
        doc.setdefault(m, v)
    return doc


def experience(eng, db, req: KpiRequest, *, tz_name: str, journeys=(), refresh: bool = True, home=None) -> dict:
    """The whole document of the page, the API and the CLI."""
    if eng.kind == "duckdb" and refresh and home is not None:
        refresh_contacts(db, home)
    customers = customer_count(db, req)
    span = req.end - req.start
    doc = {"current": _period_doc(eng, db, req, req.start, req.end, customers),
           "previous": _period_doc(eng, db, req, req.start - span, req.start, customers),
           "baseline": _period_doc(eng, db, req, *req.baseline, customers) if req.baseline else None,
           "by": req.by, "segment": req.segment, "engine": eng.kind, "customers": customers,
           "repeat_window_days": REPEAT_MS // 86_400_000}
    unit, bk = buckets(req.start, req.end, tz_name, req.by if req.by in ("day", "week") else None)
    series = contact_sums(eng, req, req.start, req.end, "time", buckets=bk)
    tz = ZoneInfo(tz_name)
    doc["series_unit"] = unit
    doc["series"] = [{"start": datetime.fromtimestamp(lo / 1000, tz).isoformat(),
                      **kpi_figures(series.get(str(lo)), customers)} for lo, _ in bk]
    doc["groups"] = _groups(eng, db, req, customers, journeys) if req.by and req.by not in ("day", "week") else []
    if req.by in ("day", "week"):
        doc["groups"] = [{"group": s["start"][:10], **s, **_empty_surveys()} for s in doc["series"]]
    return doc


def _groups(eng, db, req, customers, journeys) -> list[dict]:
    sums = contact_sums(eng, req, req.start, req.end, req.by, journeys=journeys)
    surveys = survey_figures(db, req, req.start, req.end, req.by) if req.by in ("channel", "segment") else {}
    keys = sorted(set(sums) | set(surveys))
    if req.by == "journey":
        keys = [j.name for j in journeys]
    out = []
    for key in keys:
        base = customer_count(db, KpiRequest(req.start, req.end, segment=key, customer_ids=req.customer_ids)) \
            if req.by == "segment" and key in SEGMENTS else customers
        out.append({"group": key, **kpi_figures(sums.get(key), base), **{**_empty_surveys(), **surveys.get(key, {})}})
    return out


def customer_ids(db, refs: list[str], field: str) -> tuple[int, ...]:
    """The ids of the customers ``refs`` names (an unknown ref: 422 naming ``field``)."""
    refs = sorted({r.strip() for r in refs if r and r.strip()})
    if not refs:
        raise InvalidInput(f"{field}: give at least one customer_ref", data={"field": field})
    if len(refs) > 50_000:
        raise InvalidInput(f"{field}: at most 50,000 customers", data={"field": field})
    found: dict[str, int] = {}
    with db.connect() as conn:
        for i in range(0, len(refs), 1000):
            chunk = refs[i:i + 1000]
            params = {f"r{n}": r for n, r in enumerate(chunk)}
            rows = conn.execute(text("SELECT customer_ref, id FROM customers WHERE customer_ref IN ("
                                     + ", ".join(f":r{n}" for n in range(len(chunk))) + ")"), params).all()
            found.update({r: int(i) for r, i in rows})
    missing = [r for r in refs if r not in found]
    if missing:
        raise InvalidInput(f"{field}: unknown customer_ref {missing[0]!r}" + (f" and {len(missing) - 1} more" if len(missing) > 1 else ""),
                           data={"field": field})
    return tuple(sorted(found.values()))

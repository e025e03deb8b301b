"""Funnels, paths after drop-off and help needed: validated requests in, plain dicts out."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from xinsheng.analytics.engine import AnalyticEngine
from xinsheng.analytics.lake import lake_dir, refresh
from xinsheng.errors import InvalidInput
from xinsheng.journeys import queries
from xinsheng.journeys.definitions import Journey, Step, get_journey, parse_steps, parse_window

__all__ = ["FunnelRequest", "build_request", "analytic_engine", "funnel", "paths", "help_needed"]


@dataclass(frozen=True)
class FunnelRequest:
    steps: tuple[Step, ...]
    window_s: int
    start: datetime
    end: datetime
    segment: str = "all"
    journey: Journey | None = None

    @property
    def t_from(self) -> int:
        return int(self.start.timestamp() * 1000)

    @property
    def t_to(self) -> int:
        return int(self.end.timestamp() * 1000)


def build_request(*, journey: str | None, steps: str | None, window: str | None, start: datetime, end: datetime,
                  segment: str | None = None, home: Path | None = None) -> FunnelRequest:
    """A funnel request from a journey name or ad-hoc steps (exactly one of them)."""
    if bool(journey) == bool(steps):
        raise InvalidInput("steps: give either a journey or steps", data={"field": "steps"})
    seg = segment or "all"
    if seg not in queries.SEGMENTS:
        raise InvalidInput(f"segment: one of {', '.join(queries.SEGMENTS)}", data={"field": "segment"})
    if journey:
        j = get_journey(journey, home)
        return FunnelRequest(j.steps, parse_window(window, default=j.window_s), start, end, seg, j)
    return FunnelRequest(parse_steps(steps), parse_window(window), start, end, seg, None)


def analytic_engine(db: Engine, home: Path, kind: str | None = None, *, refresh_lake: bool = True) -> AnalyticEngine:
    """DuckDB over the lake (refreshed incrementally first) unless PostgreSQL is asked for
    (``XINSHENG_ANALYTICS_ENGINE=postgres`` on a PostgreSQL database)."""
    kind = kind or os.environ.get("XINSHENG_ANALYTICS_ENGINE", "duckdb")
    if kind == "postgres" and db.dialect.name == "postgresql":
        return AnalyticEngine("postgres", db=db)
    if refresh_lake:
        refresh(db, home)
    return AnalyticEngine("duckdb", lake=lake_dir(home))


def _seg(req: FunnelRequest) -> str:
    return queries.segment_condition(req.segment, req.end.year)


def _span(req: FunnelRequest, extra_ms: int = 0) -> tuple[int, int]:
    return req.t_from, req.t_to + req.window_s * 1000 + extra_ms


def funnel(eng: AnalyticEngine, req: FunnelRequest) -> dict:
    """The contract's funnel document, plus p90 gaps and the step codes."""
    lo, hi = _span(req)
    sql = queries.funnel_sql(eng.events(), req.steps, req.window_s * 1000, req.t_from, req.t_to, _seg(req),
                             asof=eng.kind == "duckdb")
    rows = eng.query(sql, lo, hi)
    first = rows[0][1] if rows else 0
    out = {"steps": [], "median_seconds": [], "p90_seconds": []}
    for (step, customers, med, p90) in rows:
        out["steps"].append({"step": req.steps[step - 1].code, "customers": int(customers),
                             "conversion": round(customers / first, 4) if first else 0.0})
        out["median_seconds"].append(None if med is None else round(float(med) / 1000, 1))
        out["p90_seconds"].append(None if p90 is None else round(float(p90) / 1000, 1))
    out.update(window_seconds=req.window_s, start=req.start.isoformat(), end=req.end.isoformat(),
               segment=req.segment, engine=eng.kind)
    if req.journey:
        out["journey"] = req.journey.name
    out["bottleneck"] = bottleneck(out["steps"])
    return out


def bottleneck(steps: list[dict]) -> dict | None:
    """The step after which the most customers are lost (None when nobody is lost)."""
    best = None
    for i in range(len(steps) - 1):
        lost = steps[i]["customers"] - steps[i + 1]["customers"]
        if lost > 0 and (best is None or lost > best["lost"]):
            share = lost / steps[i]["customers"]
            best = {"after_step": steps[i]["step"], "next_step": steps[i + 1]["step"], "lost": lost,
                    "lost_share": round(share, 4)}
    return best


def paths(eng: AnalyticEngine, req: FunnelRequest, *, depth: int = 3, horizon_hours: int = 24) -> dict:
    """Where customers went after the step they stopped at: their next events on any channel."""
    if not 1 <= depth <= 5:
        raise InvalidInput("depth: 1 to 5", data={"field": "depth"})
    if not 1 <= horizon_hours <= 24 * 30:
        raise InvalidInput("within: 1 to 720 hours", data={"field": "within"})
    lo, hi = _span(req, horizon_hours * 3_600_000)
    sql = queries.paths_sql(eng.events(), req.steps, req.window_s * 1000, req.t_from, req.t_to, _seg(req),
                            depth=depth, horizon_ms=horizon_hours * 3_600_000, asof=eng.kind == "duckdb")
    rows = eng.query(sql, lo, hi)
    items = [{"dropped_after": req.steps[r[0] - 1].code, "next": [e for e in r[1:-1] if e is not None],
              "customers": int(r[-1])} for r in rows]
    return {"paths": items, "within_hours": horizon_hours, "depth": depth, "segment": req.segment,
            "steps": [s.code for s in req.steps], "engine": eng.kind}


def help_needed(eng: AnalyticEngine, req: FunnelRequest) -> dict:
    """Help-needed rate: of the customers who started, how many contacted us for help."""
    j = req.journey
    channels, hours, topics = (j.help_channels, j.help_hours, j.help_topics) if j else (("phone", "chat", "wechat"), 24, ())
    lo, hi = _span(req, hours * 3_600_000)
    sql = queries.help_sql(eng.events(), req.steps, req.window_s * 1000, req.t_from, req.t_to, _seg(req),
                           channels, hours, topics, asof=eng.kind == "duckdb")
    rows = eng.query(sql, lo, hi)
    started = sum(int(r[1]) for r in rows)
    helped = sum(int(r[2]) for r in rows)
    by_step = [{"stopped_at": req.steps[r[0] - 1].code, "customers": int(r[1]), "helped": int(r[2]),
                "rate": round(int(r[2]) / int(r[1]), 4) if r[1] else 0.0} for r in rows]
    return {"started": started, "helped": helped, "rate": round(helped / started, 4) if started else 0.0,
            "by_stopping_step": by_step, "channels": list(channels), "within_hours": hours, "topics": list(topics)}

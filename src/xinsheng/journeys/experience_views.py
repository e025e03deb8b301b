"""JSON API of the experience KPIs and A/B comparisons.

``GET /api/v1/metrics/experience?from&to&by&segment&baseline_from&baseline_to``: the KPIs of
the period, the previous period of the same length, the baseline, groups and a series.
``GET /api/v1/metrics/experience/ab?group_a&group_b&metric&…``: group B against group A.
Bad input answers 422 with ``data.field`` naming the parameter.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Query, Request

from xinsheng.config import get_settings
from xinsheng.deps import require
from xinsheng.errors import InvalidInput
from xinsheng.journeys.definitions import load_journeys, parse_period

router = APIRouter(prefix="/api/v1/metrics", tags=["journeys"], dependencies=[require("metrics.read")])

FromQ = Annotated[str | None, Query(alias="from", description="ISO date or timestamp (default: 30 days before to)")]
ToQ = Annotated[str | None, Query(alias="to", description="ISO date (its whole day) or timestamp (default: now)")]


def periods(t_from, t_to, b_from, b_to, tz: str):
    """The period and the optional baseline (fields ``from``/``to``, ``baseline_from``/``baseline_to``)."""
    now = datetime.now(timezone.utc)
    start, end = parse_period(t_from, t_to, tz, now)
    if not b_from and not b_to:
        return start, end, None
    if not (b_from and b_to):
        field = "baseline_to" if b_from else "baseline_from"
        raise InvalidInput(f"{field}: give baseline_from and baseline_to together", data={"field": field})
    try:
        baseline = parse_period(b_from, b_to, tz, now)
    except InvalidInput as exc:
        field = "baseline_" + exc.data.get("field", "from")
        raise InvalidInput(f"{field}: {exc.message.split(': ', 1)[-1]}", data={"field": field}) from None
    return start, end, baseline


def experience_doc(db, t_from, t_to, by, segment, b_from, b_to, engine_kind=None) -> dict:
    """What the API, the CLI and the page show."""
    from xinsheng.journeys.experience import experience, kpi_request
    from xinsheng.journeys.service import analytic_engine

    settings = get_settings()
    start, end, baseline = periods(t_from, t_to, b_from, b_to, settings.display_timezone)
    req = kpi_request(start, end, by, segment, baseline)
    eng = analytic_engine(db, settings.home, engine_kind)
    return experience(eng, db, req, tz_name=settings.display_timezone,
                      journeys=tuple(load_journeys(settings.home).values()), home=settings.home)


def ab_doc(db, *, group_a, group_b, metric, t_from, t_to, journey=None, steps=None, window=None, step=None,
           engine_kind=None) -> dict:
    """Group B against group A: a funnel step's conversion (``metric=conversion``) or a KPI."""
    from xinsheng.analytics.contacts import refresh_contacts
    from xinsheng.journeys.ab import AB_METRICS, ab_conversion, ab_kpi, parse_group
    from xinsheng.journeys.experience import KpiRequest
    from xinsheng.journeys.service import analytic_engine, build_request

    settings = get_settings()
    if metric not in AB_METRICS:
        raise InvalidInput(f"metric: one of {', '.join(AB_METRICS)}", data={"field": "metric"})
    start, end = parse_period(t_from, t_to, settings.display_timezone, datetime.now(timezone.utc))
    a, b = parse_group(db, group_a, "group_a"), parse_group(db, group_b, "group_b")
    eng = analytic_engine(db, settings.home, engine_kind)
    if metric == "conversion":
        req = build_request(journey=journey, steps=steps, window=window, start=start, end=end, home=settings.home)
        out = ab_conversion(eng, req, step or len(req.steps), a, b)
    else:
        if eng.kind == "duckdb":
            refresh_contacts(db, settings.home)
        out = ab_kpi(eng, KpiRequest(start, end), metric, a, b)
    out.update({"from": start.isoformat(), "to": end.isoformat(), "engine": eng.kind})
    return out


@router.get("/experience")
def read_experience(request: Request, t_from: FromQ = None, t_to: ToQ = None,
                    by: Annotated[str | None, Query(description="channel, touchpoint, segment, journey, day, week")] = None,
                    segment: Annotated[str | None, Query(description="all, elderly, mass, affluent, private")] = None,
                    baseline_from: Annotated[str | None, Query(description="start of the baseline period")] = None,
                    baseline_to: Annotated[str | None, Query(description="end of the baseline period")] = None) -> dict:
    """Contact volume, FCR, repeat contacts, handle/wait time, abandonment, complaints per
    10,000 customers, sentiment, NPS/CSAT/CES: current, previous and baseline periods."""
    return experience_doc(request.app.state.engine, t_from, t_to, by, segment, baseline_from, baseline_to)


@router.get("/experience/ab")
def read_ab(request: Request, group_a: Annotated[str, Query(description="a segment or refs:REF,REF,…")] = "",
            group_b: Annotated[str, Query(description="a segment or refs:REF,REF,…")] = "",
            metric: Annotated[str, Query(description="conversion, fcr, repeat_rate, abandonment_rate, negative_share")] = "conversion",
            t_from: FromQ = None, t_to: ToQ = None, journey: str | None = None, steps: str | None = None,
            window: str | None = None, step: int | None = None) -> dict:
    """Group B against group A: rates, difference with its 95 % interval, p-value, verdict."""
    return ab_doc(request.app.state.engine, group_a=group_a, group_b=group_b, metric=metric, t_from=t_from, t_to=t_to,
                  journey=journey, steps=steps, window=window, step=step)

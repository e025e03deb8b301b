"""JSON API of journeys (CONTRACT.md "Journeys"): funnel, paths, help, compare, list.

Bad input answers 422 with ``data.field`` naming the parameter (unknown journey or step,
a window of 0 or over 90 days, ``from`` after ``to``); an empty period answers zeros.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Query, Request

from xinsheng.config import get_settings
from xinsheng.deps import require
from xinsheng.journeys.compare import compare_step
from xinsheng.journeys.definitions import load_journeys, parse_period
from xinsheng.journeys.service import analytic_engine, build_request, funnel, help_needed, paths

router = APIRouter(prefix="/api/v1/journeys", tags=["journeys"], dependencies=[require("metrics.read")])

JourneyQ = Annotated[str | None, Query(description="a journey's name (GET /api/v1/journeys)")]
StepsQ = Annotated[str | None, Query(description="ad-hoc steps CHANNEL:EVENT,CHANNEL:EVENT,...")]
WindowQ = Annotated[str | None, Query(description="30m, 1h, 1d … at most 90d")]
FromQ = Annotated[str | None, Query(alias="from", description="ISO date or timestamp")]
ToQ = Annotated[str | None, Query(alias="to", description="ISO date (its whole day) or timestamp")]
SegmentQ = Annotated[str | None, Query(description="all, elderly, mass, affluent, private")]


def _setup(request: Request, journey, steps, window, t_from, t_to, segment):
    settings = get_settings()
    start, end = parse_period(t_from, t_to, settings.display_timezone, datetime.now(timezone.utc))
    req = build_request(journey=journey, steps=steps, window=window, start=start, end=end, segment=segment,
                        home=settings.home)
    return analytic_engine(request.app.state.engine, settings.home), req


@router.get("")
def list_journeys() -> dict:
    """The bank's journeys: name, labels, steps and window."""
    return {"journeys": [{"name": j.name, "label": j.label, "steps": [s.code for s in j.steps],
                          "window_seconds": j.window_s} for j in load_journeys(get_settings().home).values()]}


@router.get("/funnel")
def read_funnel(request: Request, journey: JourneyQ = None, steps: StepsQ = None, window: WindowQ = None,
                t_from: FromQ = None, t_to: ToQ = None, segment: SegmentQ = None) -> dict:
    """Customers and conversion per step (furthest-step rule), median and p90 seconds between steps."""
    return funnel(*_setup(request, journey, steps, window, t_from, t_to, segment))


@router.get("/paths")
def read_paths(request: Request, journey: JourneyQ = None, steps: StepsQ = None, window: WindowQ = None,
               t_from: FromQ = None, t_to: ToQ = None, segment: SegmentQ = None,
               depth: Annotated[int, Query(ge=1, le=5)] = 3, within: Annotated[int, Query(ge=1, le=720)] = 24) -> dict:
    """Where customers who stopped went next, on any channel, within ``within`` hours."""
    eng, req = _setup(request, journey, steps, window, t_from, t_to, segment)
    return paths(eng, req, depth=depth, horizon_hours=within)


@router.get("/help")
def read_help(request: Request, journey: JourneyQ = None, steps: StepsQ = None, window: WindowQ = None,
              t_from: FromQ = None, t_to: ToQ = None, segment: SegmentQ = None) -> dict:
    """Help-needed rate overall and by the step customers stopped at."""
    return help_needed(*_setup(request, journey, steps, window, t_from, t_to, segment))


@router.get("/steps")
def read_steps(request: Request, journey: JourneyQ = None, steps: StepsQ = None, window: WindowQ = None,
               t_from: FromQ = None, t_to: ToQ = None, segment: SegmentQ = None) -> dict:
    """Per step customers stopped at: their related contacts, repeat rate, FCR and sentiment."""
    from xinsheng.journeys.step_kpis import step_kpis

    eng, req = _setup(request, journey, steps, window, t_from, t_to, segment)
    return step_kpis(eng, request.app.state.engine, req, home=get_settings().home)


@router.get("/compare")
def read_compare(request: Request, at: Annotated[str, Query(description="ISO date of the change")],
                 step: Annotated[int, Query(description="the step compared with the one before it (2 …)")],
                 journey: JourneyQ = None, steps: StepsQ = None, window: WindowQ = None, segment: SegmentQ = None,
                 days: Annotated[int, Query(ge=1, le=90)] = 14) -> dict:
    """A step's conversion in the ``days`` before and after ``at``: difference, 95 % interval, verdict."""
    from datetime import time as dtime
    from zoneinfo import ZoneInfo

    from xinsheng.errors import InvalidInput

    try:
        day = datetime.fromisoformat(at).date()
    except ValueError:
        raise InvalidInput(f"at: not an ISO 8601 date: {at!r}", data={"field": "at"}) from None
    when = datetime.combine(day, dtime(), ZoneInfo(get_settings().display_timezone))
    eng, req = _setup(request, journey, steps, window, None, None, segment)
    return compare_step(eng, req, step, when, days)

"""What the journeys commands share: the analytic engine and the request from their options."""
from __future__ import annotations

from datetime import datetime, timezone


def setup(journey, steps, window, t_from, t_to, segment, engine):
    """(the analytic engine, the journey request) from a command's options."""
    from xinsheng.config import get_settings
    from xinsheng.journeys.definitions import parse_period
    from xinsheng.journeys.service import analytic_engine, build_request
    from xinsheng.migrate import ready_engine

    settings = get_settings()
    start, end = parse_period(t_from, t_to, settings.display_timezone, datetime.now(timezone.utc))
    req = build_request(journey=journey, steps=steps, window=window, start=start, end=end, segment=segment,
                        home=settings.home)
    return analytic_engine(ready_engine(), settings.home, engine), req

"""JSON API of the Hot issues report (热点问题)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from xinsheng.customers.models import CHANNELS
from xinsheng.deps import SessionDep, require
from xinsheng.insights.schemas import HotIssuesRead, to_read
from xinsheng.insights.service import hot_issues

router = APIRouter(prefix="/api/v1/voc", tags=["voc"], dependencies=[require("voc.read")])
Channel = Literal[CHANNELS]  # type: ignore[valid-type]


@router.get("/hot-issues", response_model=HotIssuesRead)
def read_hot_issues(
    session: SessionDep,
    days: Annotated[int, Query(ge=7, le=365, description="window, ending at the newest analysed contact")] = 90,
    channel: Annotated[Channel | None, Query()] = None,
) -> HotIssuesRead:
    """Topics over time with sentiment, spikes (size and significance) and examples; emerging clusters."""
    return to_read(hot_issues(session, days=days, channel=channel))

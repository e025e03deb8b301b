"""``GET /api/v1/segments``: the segments of the last refresh (``metrics.read``)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from xinsheng.deps import SessionDep, require
from xinsheng.identity.principal import Principal
from xinsheng.segments.service import as_dict, list_segments

router = APIRouter(prefix="/api/v1/segments", tags=["segments"])


@router.get("")
def read_segments(session: SessionDep, _: Annotated[Principal, require("metrics.read")]) -> dict:
    """Rule segments and clusters: size, complaint rate, negative share, what sets a cluster apart."""
    return {"segments": [as_dict(s) for s in list_segments(session)]}

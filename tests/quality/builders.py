"""Stored phone calls carrying the hand-written transcripts."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy.engine import Engine

from tests.quality.corpus import calls
from xinsheng.db import session_scope
from xinsheng.interactions.models import Interaction

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def add_calls(engine: Engine, names: list[str], *, agent_ref: str = "A1001", team: str = "理财一组",
              start: datetime = T0) -> dict[str, int]:
    """One phone call per named dev transcript, an hour apart; answers name → interaction id."""
    paths = {p.stem: p for p in calls("dev")}
    ids = {}
    with session_scope(engine) as s:
        for n, name in enumerate(names):
            lines = paths[name].read_text(encoding="utf-8").splitlines()[1:]
            turns = [json.loads(line) for line in lines if line.strip()]
            at = start + timedelta(hours=n)
            row = Interaction(source="test", external_id=f"call-{name}-{agent_ref}", channel="phone", started_at=at,
                              ended_at=at + timedelta(minutes=2), direction="inbound", agent_ref=agent_ref,
                              text=" ".join(t["text"] for t in turns), attributes={"turns": turns, "team": team},
                              pii=[])
            s.add(row)
            s.flush()
            ids[name] = row.id
    return ids

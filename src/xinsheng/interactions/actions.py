"""Writes to interactions: batched, idempotent on (source, external_id)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from xinsheng.db import dialect_insert
from xinsheng.interactions.models import Interaction


def bulk_insert_interactions(session: Session, rows: list[dict]) -> list[int]:
    """Insert ``rows`` (column dicts); ones already stored are skipped. Returns new ids.

    One multi-row ``INSERT ... ON CONFLICT DO NOTHING`` per batch, never a row at a
    time; the caller's transaction makes the batch all-or-nothing.
    """
    if not rows:
        return []
    stmt = (
        dialect_insert(session, Interaction)
        .on_conflict_do_nothing(index_elements=["source", "external_id"])
        .returning(Interaction.id)
    )
    result = session.execute(stmt, rows)
    return [row[0] for row in result.all()]

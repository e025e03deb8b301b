"""Stores the VOC analysis of interaction texts (the VOC stages never touch the database).

New texts are analysed as they are ingested (``XINSHENG_ANALYZE_ON_INGEST``), in the
same transaction as the batch, so the timeline shows an analysis as soon as it shows
the contact; ``reanalyze`` fills in or redoes texts later (another model, or texts
loaded with analysis off).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinsheng.db import dialect_insert, session_scope, utcnow
from xinsheng.interactions.models import Interaction, InteractionAnalysis

log = logging.getLogger(__name__)


def _analyzer(model_dir: str | None = None):
    from xinsheng.voc.pipeline import get_analyzer

    return get_analyzer(model_dir)


def warm_analyzer(model_dir: str | None = None) -> None:
    """Build (or load) the analyzer now: the built-in model is trained on first use."""
    _analyzer(model_dir)


def analyze_texts(texts: list[str], model_dir: str | None = None) -> tuple[list[dict], str]:
    """The VOC results of ``texts`` (already masked), and the model's version."""
    analyzer = _analyzer(model_dir)
    return analyzer.analyze_many(texts), str(getattr(analyzer, "version", None) or "builtin")[:64]


def analysis_row(interaction_id: int, result: dict, version: str) -> dict:
    sentiment = result.get("sentiment") or {}
    return {
        "interaction_id": interaction_id, "lang": result.get("lang"),
        "sentiment_label": sentiment.get("label"), "sentiment_score": sentiment.get("score"),
        "emotions": result.get("emotions") or {}, "topics": result.get("topics") or [],
        "flags": result.get("flags") or [], "keywords": result.get("keywords") or [],
        "model_version": version, "analyzed_at": utcnow(),
    }


def store_analysis_rows(session: Session, rows: list[dict]) -> int:
    """Store analysis rows; an earlier analysis of the same interactions is replaced."""
    if rows:
        ids = [r["interaction_id"] for r in rows]
        session.execute(delete(InteractionAnalysis).where(InteractionAnalysis.interaction_id.in_(ids)))
        session.connection().execute(dialect_insert(session, InteractionAnalysis.__table__), rows)
    return len(rows)


def store_analysis(session: Session, ids: list[int], texts: list[str], model_dir: str | None = None) -> int:
    """Analyse ``texts`` and store the results for interactions ``ids``."""
    if not ids:
        return 0
    results, version = analyze_texts(texts, model_dir)
    return store_analysis_rows(session, [analysis_row(i, r, version) for i, r in zip(ids, results, strict=True)])


def reanalyze(
    engine: Engine, *, everything: bool = False, model_dir: str | None = None, batch: int = 1000,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Analyse stored texts that have no analysis yet (or all of them); returns how many."""
    done, last_id = 0, 0
    while True:
        with session_scope(engine) as session:
            stmt = (
                select(Interaction.id, Interaction.text)
                .where(Interaction.text.is_not(None), Interaction.id > last_id)
                .order_by(Interaction.id).limit(batch)
            )
            if not everything:
                stmt = stmt.outerjoin(
                    InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id
                ).where(InteractionAnalysis.interaction_id.is_(None))
            rows = session.execute(stmt).all()
            if not rows:
                return done
            store_analysis(session, [r[0] for r in rows], [r[1] for r in rows], model_dir)
        last_id = rows[-1][0]
        done += len(rows)
        if on_progress:
            on_progress(len(rows))
